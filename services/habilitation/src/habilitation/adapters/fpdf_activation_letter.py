"""The postal letter « Modalités d'accès à l'applicatif CERES » as a one-page A4 PDF (fpdf2), after guide 001 part A.

fpdf2 is pure Python and its built-in Helvetica/Courier need no font files; encoded as
windows-1252 they cover French (é, à, ç, œ, « », ’).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from habilitation.use_cases.activation.ports import LetterContent

# The CONTACT block of guide 000 (the 2018 letter's helpline, 01 46 29 25 54, is no longer answered).
DEFAULT_HELPLINE = "0 805 032 430"
ADMINISTRATION_CONTACT = "DDETS / DDETSPP / DR(I)EETS / DGCOPOP"
WEBSITE = "https://travail-emploi.gouv.fr"
_GREY = (90, 90, 90)
_BLUE = (0, 0, 145)  # the « bleu France » of the ministry's block


class FpdfActivationLetter:
    def __init__(self, helpline: str = DEFAULT_HELPLINE, timezone: str = "Europe/Paris") -> None:
        self._helpline = helpline
        self._timezone = timezone

    def render(self, letter: LetterContent) -> bytes:
        zone = ZoneInfo(self._timezone)
        issued_on, expires_on = _day(letter.issued_at, zone), _day(letter.expires_at, zone)
        pdf = FPDF(format="A4")
        pdf.core_fonts_encoding = "windows-1252"
        pdf.set_title(f"Modalités d'accès à l'applicatif {letter.service_label}")
        pdf.set_author("Ministère du Travail et de l'Emploi")
        pdf.set_margins(22, 18, 22)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_page()
        _header(pdf)
        _recipient(pdf, letter)
        pdf.set_xy(22, 82)
        pdf.set_font("Helvetica", size=10.5)
        pdf.cell(0, 6, f"Paris, le {issued_on}", align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 10.5)
        pdf.cell(0, 6, f"Objet : Modalités d'accès à l'applicatif {letter.service_label}")
        pdf.ln(11)
        self._body(pdf, letter, expires_on)
        _footer(pdf, letter, issued_on, expires_on)
        return bytes(pdf.output())

    def _body(self, pdf: FPDF, letter: LetterContent, expires_on: str) -> None:
        label = letter.service_label
        _paragraph(pdf, "Madame, Monsieur,")
        _paragraph(
            pdf,
            "Vous avez un agrément pour organiser des sessions d'examen pour l'obtention d'un titre professionnel "
            "du ministère chargé de l'emploi.",
        )
        _paragraph(
            pdf,
            f"Pour vous connecter à {label} (CERTifications Emplois), l'applicatif qui centralise l'ensemble des "
            "processus métiers gérés par les différents acteurs de la politique du titre professionnel du ministère "
            "chargé de l'emploi, vous devez créer un compte personnel EFP Connect, puis activer votre accès au "
            "service sur :",
        )
        pdf.set_font("Helvetica", "B", 10.5)
        pdf.set_text_color(*_BLUE)
        pdf.cell(0, 6, letter.service_url, align=Align.C, link=letter.service_url)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(10)
        _paragraph(
            pdf,
            "Une fois connecté, saisissez les éléments suivants de votre dossier, puis acceptez la charte du "
            "responsable des accès : vous deviendrez responsable des accès de votre organisme et pourrez habiliter "
            "vos collaborateurs.",
        )
        _code_box(pdf, letter.siret, letter.code)
        _paragraph(
            pdf,
            f"Ce code est confidentiel. Il ne peut être utilisé qu'une seule fois et reste valable jusqu'au "
            f"{expires_on}. Ne le communiquez qu'à la personne chargée de gérer les accès de votre organisme.",
        )
        _paragraph(
            pdf,
            "En cas de difficultés pour vous créer un compte, ou si vous estimez que ni votre centre, ni votre siège "
            "n'êtes concernés par ce courrier, vous pouvez vous adresser au service d'assistance technique "
            "(ci-dessous).",
        )
        _paragraph(pdf, "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.")
        self._contact(pdf, letter)

    def _contact(self, pdf: FPDF, letter: LetterContent) -> None:
        pdf.set_font("Helvetica", "B", 10)
        pdf.set_text_color(*_BLUE)
        pdf.cell(0, 5, "CONTACT", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("Helvetica", size=8.5)
        for line in (
            f"**Pour accéder à {letter.service_label}** : lien de connexion {letter.service_url}",
            f"**Pour la gestion administrative de vos dossiers** : contactez votre {ADMINISTRATION_CONTACT}.",
            "**Pour le service d'assistance technique** : renseignez le formulaire de contact du portail de "
            f"l'assistance ou composez le **N°Vert {self._helpline}**, du lundi au vendredi, de 9h à 18h, "
            "sans interruption.",
            f"**Site internet** : Site du Ministère du Travail - Portail d'Information Emploi et Formation : {WEBSITE}",
        ):
            pdf.multi_cell(0, 4.0, line, markdown=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _day(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d/%m/%Y")


def _printable(text: str) -> str:
    """A directory name with a character the core fonts lack gets « ? » there, rather than no letter at all."""
    return text.encode("windows-1252", "replace").decode("windows-1252")


def _header(pdf: FPDF) -> None:
    pdf.set_xy(22, 18)
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(60, 5, "MINISTÈRE\nDU TRAVAIL\nET DE L'EMPLOI", align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(60, 3.6, "Liberté\nÉgalité\nFraternité", align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(110, 20)
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_text_color(*_BLUE)
    pdf.multi_cell(
        78,
        4.5,
        "Délégation générale à l'emploi\net à la formation professionnelle",
        align=Align.R,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_text_color(0, 0, 0)


def _recipient(pdf: FPDF, letter: LetterContent) -> None:
    lines = [_printable(name) for name in (letter.organisation_name, letter.establishment_name) if name]
    lines.append(f"SIRET {letter.siret}")
    pdf.set_xy(110, 46)
    pdf.set_font("Helvetica", "B", 10.5)
    pdf.multi_cell(78, 5.5, "\n".join(lines), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _paragraph(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", size=10.5)
    pdf.multi_cell(0, 5.0, text, align=Align.J, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2.5)


def _code_box(pdf: FPDF, siret: str, code: str) -> None:
    """Monospaced, so a reader can count the characters and tell them apart."""
    top, left, width, height = pdf.get_y() + 1, 45.0, 120.0, 22.0
    pdf.set_draw_color(*_BLUE)
    pdf.set_line_width(0.4)
    pdf.rect(left, top, width, height)
    for row, (label, value) in enumerate((("SIRET :", siret), ("Code d'activation :", code))):
        pdf.set_xy(left + 6, top + 4 + row * 8)
        pdf.set_font("Helvetica", size=10.5)
        pdf.cell(42, 6, label)
        pdf.set_font("Courier", "B", 13)
        pdf.cell(66, 6, value)
    pdf.set_xy(pdf.l_margin, top + height + 6)


def _footer(pdf: FPDF, letter: LetterContent, issued_on: str, expires_on: str) -> None:
    pdf.set_auto_page_break(False)  # the footer sits in the bottom margin, on this page
    pdf.set_y(-22)
    pdf.set_draw_color(*_GREY)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)
    pdf.set_font("Helvetica", size=8)
    pdf.set_text_color(*_GREY)
    pdf.multi_cell(
        0,
        4,
        f"Code émis le {issued_on}, valable jusqu'au {expires_on}. Référence : {letter.reference}\n"
        "EFP Connect — le compte unique des démarches du ministère chargé du travail et de l'emploi.",
        align=Align.L,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_text_color(0, 0, 0)
