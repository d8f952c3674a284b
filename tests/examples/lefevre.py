"""The organisation of the tests of what a consuming system sees."""

# A sole trader with one establishment of the SIRENE sample (tests/e2e/test_organisation_user_names.py
# appoints a manager there too, and looks only at its own).
LEFEVRE = ("000018101", "00001810100014")
