"""The security code's image and sound, fetched from the gateway: the browser talks only to us."""

from fastapi import APIRouter
from starlette.responses import Response

from web.page import PageDep

router = APIRouter()


async def new_captcha(page: PageDep) -> str:
    created = await page.api("POST", "/api/v1/captchas")
    return str(created["captcha_id"])


@router.get("/captcha/{captcha_id}/{kind}")
async def captcha_media(captcha_id: str, kind: str, page: PageDep) -> Response:
    if kind not in ("image", "audio") or not captcha_id.replace("-", "").isalnum():
        return Response(status_code=404)
    answer = await page.gateway.call(page.caller, "GET", f"/api/v1/captchas/{captcha_id}/{kind}")
    media = answer.headers.get("content-type", "image/png" if kind == "image" else "audio/wav")
    headers = {"Cache-Control": "no-store"}
    if kind == "audio":
        headers["Content-Disposition"] = 'inline; filename="code-de-securite.wav"'
    return Response(answer.content, media_type=media, headers=headers)
