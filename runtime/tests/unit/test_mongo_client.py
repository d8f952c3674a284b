"""The services' store client: an acknowledged write is a journaled one (it survives the store's kill -9)."""

from efp_runtime.mongo import create_mongo_client


async def test_writes_are_acknowledged_once_journaled() -> None:
    client = create_mongo_client("mongodb://127.0.0.1:1/?retryWrites=false")
    try:
        assert client.write_concern.document == {"j": True}
    finally:
        await client.close()
