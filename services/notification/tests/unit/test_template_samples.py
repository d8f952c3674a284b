"""Every template of the catalogue has a realistic sample (samples.py)."""

from notification.domain.catalogue import SUBJECTS
from services.notification.tests.unit.samples import SAMPLES


def test_every_template_of_the_catalogue_has_a_sample() -> None:
    assert set(SAMPLES) == set(SUBJECTS)
