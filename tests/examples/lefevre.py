"""The organisation of the tests of what a consuming system sees."""

# The SIRENE sample's one organisation no other test uses: a sole trader with one establishment.
LEFEVRE = ("000018101", "00001810100014")
