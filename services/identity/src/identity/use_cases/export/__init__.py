"""« Télécharger mes données »: identity's part of the export."""
