"""The store users a provisioning run creates, from the environment compose's store-setup job gets."""

import pytest

from efp_runtime.store_access import STORE_USERS, StoreUser, users_from

pytestmark = pytest.mark.unit


def test_each_service_that_keeps_data_gets_a_user_on_its_own_database() -> None:
    environment = {f"{name.upper()}_MONGODB_PASSWORD": f"secret-{name}" for name in STORE_USERS}

    assert users_from(environment) == [StoreUser(name, f"secret-{name}", name) for name in STORE_USERS]


def test_a_missing_or_empty_password_is_refused_before_anything_is_created() -> None:
    environment = {f"{name.upper()}_MONGODB_PASSWORD": "secret" for name in STORE_USERS}
    environment["WEB_MONGODB_PASSWORD"] = ""
    del environment["NOTIFICATION_MONGODB_PASSWORD"]

    with pytest.raises(KeyError, match="notification, web"):
        users_from(environment)
