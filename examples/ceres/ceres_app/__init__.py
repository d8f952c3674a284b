"""CERES, the example relying party of EFP Connect: an application a ministry team copies to sign its users in."""
