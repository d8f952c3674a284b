"""Web pages benchmark: what the web service itself costs on top of the gateway calls it makes.

Starts its own RabbitMQ, SecantusDB, SMTP recorder, the four services and the web service on free
ports in a temp dir; people sign up through the gateway and log in through the pages; then
browsers (httpx, cookies kept) walk a mix of pages for a while: one alone (what a page costs), then
several at once (what two cores serve). Every page's
Server-Timing header splits its time into the gateway's (`gateway;dur`, the calls it waited for)
and the web service's own (`web;dur`: its session store, templates, everything else), so both are
measured in the same run on the same requests. The login page's weight is what Chromium actually
transfers for it (HTML, CSS, JS, fonts, images; compressed as served).

    .venv/bin/python bench/web_pages.py [--seconds 20] [--concurrency 8] [--people 8]
"""

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from bs4 import BeautifulSoup
from journeys import ANSWER, PASSWORD, sign_up  # bench/, beside this script
from scoreboard import Row

from devstack.mail_recorder import MailRecorder
from devstack.processes import Stack, free_port
from devstack.system import (
    SERVICES,
    Endpoints,
    load_sirene_sample,
    service_env,
    start_mongodb,
    start_rabbitmq,
    start_service,
    wait_ready,
    wait_web,
    web_env,
)

GOAL_OWN_P99_MS = 15.0
GOAL_LOGIN_KB = 300.0
CHROMIUM = "/usr/lib/chromium/chromium"
# A logged-in person's walk (the pages that exist are kept; the run prints which).
LOGGED_IN_PAGES = ["/accueil", "/mon-compte", "/mes-habilitations", "/mes-demandes", "/acces", "/cgu/ceres"]
ANONYMOUS_PAGES = ["/connexion", "/mot-de-passe-oublie", "/accessibilite"]
TIMING = re.compile(r'web;dur=([\d.]+), gateway;dur=([\d.]+);desc="(\d+) calls"')


@dataclass
class Walk:
    concurrency: int
    own_ms: list[float] = field(default_factory=list)  # the web service's own time per page
    gateway_ms: list[float] = field(default_factory=list)  # time waited for the gateway per page
    total_ms: list[float] = field(default_factory=list)  # as the client saw it
    pages: int = 0
    failures: int = 0
    elapsed: float = 0.0


@dataclass
class Result:
    # One browser at a time: what a page costs the web service. Then many: what the machine serves
    # (there the two cores are shared by every process, and each one's time includes its queueing).
    alone: Walk
    loaded: Walk
    walked: list[str]
    login_resources: list[tuple[int, str]] = field(default_factory=list)  # (bytes, path), largest first

    @property
    def login_bytes(self) -> int:
        return sum(size for size, _ in self.login_resources)

    @property
    def ok(self) -> bool:
        return not (self.alone.failures or self.loaded.failures)


def form_fields(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    return {str(i["name"]): str(i.get("value", "")) for i in soup.select("form input[type=hidden][name]")}


def log_in_through_the_pages(client: httpx.Client, email: str) -> None:
    login = client.get("/connexion")
    data = form_fields(login.text) | {"email": email, "password": PASSWORD, "captcha_answer": ANSWER}
    answer = client.post("/connexion", data=data)
    if answer.status_code != 303 or answer.headers["location"] != "/accueil":
        raise RuntimeError(f"login through the pages failed: {answer.status_code} {answer.text[:500]}")


def people(web_url: str, gateway_url: str, mail: MailRecorder, count: int) -> list[httpx.Cookies]:
    cookies = []
    with httpx.Client(base_url=gateway_url, timeout=30) as gateway:
        for index in range(count):
            email = f"bench.web.{index}.{os.getpid()}@centre-formation.fr"
            sign_up(gateway, mail, email, "000010116")
            with httpx.Client(base_url=web_url, timeout=30, headers={"Origin": web_url}) as browser:
                log_in_through_the_pages(browser, email)
                cookies.append(browser.cookies)
    return cookies


def existing(web_url: str, cookies: httpx.Cookies) -> list[str]:
    with httpx.Client(base_url=web_url, timeout=30, cookies=cookies) as browser:
        return [path for path in LOGGED_IN_PAGES if browser.get(path).status_code == 200]


async def walk(web_url: str, cookies: list[httpx.Cookies], paths: list[str], seconds: float, concurrency: int) -> Walk:
    result = Walk(concurrency)
    deadline = time.perf_counter() + seconds

    async def browser(index: int) -> None:
        logged_in = httpx.AsyncClient(base_url=web_url, timeout=30, cookies=cookies[index % len(cookies)])
        anonymous = httpx.AsyncClient(base_url=web_url, timeout=30)
        step = index
        async with logged_in, anonymous:
            while time.perf_counter() < deadline:
                mix = [(logged_in, p) for p in paths] + [(anonymous, p) for p in ANONYMOUS_PAGES]
                client, path = mix[step % len(mix)]
                step += 1
                started = time.perf_counter()
                response = await client.get(path)
                result.total_ms.append((time.perf_counter() - started) * 1000)
                timing = TIMING.fullmatch(response.headers.get("server-timing", ""))
                if response.status_code != 200 or not timing:
                    result.failures += 1
                    continue
                result.pages += 1
                result.own_ms.append(float(timing.group(1)))
                result.gateway_ms.append(float(timing.group(2)))
                if client is anonymous:
                    anonymous.cookies.clear()  # each anonymous visit is a new visitor

    started = time.perf_counter()
    await asyncio.gather(*(browser(i) for i in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


def login_page_weight(web_url: str) -> list[tuple[int, str]]:
    """Bytes Chromium transferred for the login page and everything it loaded (encoded, with headers)."""
    from playwright.sync_api import sync_playwright  # only this part needs the browser

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            responses = []
            page.on("requestfinished", lambda request: responses.append(request))
            page.goto(f"{web_url}/connexion", wait_until="networkidle")
            weights = []
            for request in responses:
                sizes = request.sizes()
                weights.append(
                    (sizes["responseBodySize"] + sizes["responseHeadersSize"], request.url.removeprefix(web_url))
                )
            return sorted(weights, reverse=True)
        finally:
            browser.close()


def run(args: argparse.Namespace) -> Result:
    stack, mail = Stack(), MailRecorder(free_port())
    state = Path(tempfile.mkdtemp(prefix="efp-bench-"))
    mail.start()
    try:
        node = start_rabbitmq(stack, state, free_port(), free_port(), management=False)
        endpoints = Endpoints(node.amqp_url, start_mongodb(stack, state, free_port()), mail.url)
        gateway_port, web_port = free_port(), free_port()
        extra = {
            "EFP_ENVIRONMENT": "test",
            "EFP_CAPTCHA_TEST_ANSWER": ANSWER,
            "EFP_LOG_LEVEL": "WARNING",
            # One client address stands for many people here.
            "IDENTITY_LOGIN_PER_IP_PER_MINUTE": "1000000",
            "IDENTITY_CAPTCHA_CREATIONS_PER_IP_PER_MINUTE": "1000000",
            "IDENTITY_CAPTCHA_MEDIA_PER_IP_PER_MINUTE": "1000000",
            "NOTIFICATION_RATE_LIMIT_PER_REQUESTER": "0",
            **web_env(gateway_port, web_port),
        }
        env = service_env(endpoints, state, gateway_port, extra)
        load_sirene_sample(env, state / "logs")
        children = {name: start_service(stack, name, env, state / "logs") for name in (*SERVICES, "gateway")}
        gateway_url, web_url = f"http://127.0.0.1:{gateway_port}", f"http://127.0.0.1:{web_port}"
        wait_ready(gateway_url, children)
        wait_web(web_url, start_service(stack, "web", env, state / "logs"))
        cookies = people(web_url, gateway_url, mail, args.people)
        paths = existing(web_url, cookies[0])
        asyncio.run(walk(web_url, cookies, paths, 2, 2))  # warm-up
        alone = asyncio.run(walk(web_url, cookies, paths, args.seconds, 1))
        loaded = asyncio.run(walk(web_url, cookies, paths, args.seconds, args.concurrency))
        result = Result(alone, loaded, paths + ANONYMOUS_PAGES, login_page_weight(web_url))
    finally:
        stack.stop()
        mail.stop()
    return result


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else float("nan")


def _times(walk: Walk) -> None:
    print(
        f"-- {walk.concurrency} browser(s): {walk.pages} pages in {walk.elapsed:.1f} s, {walk.failures} failed, "
        f"{walk.pages / walk.elapsed:.1f} pages/s on {os.cpu_count()} cores"
    )
    for name, values in (
        ("web service's own", walk.own_ms),
        ("waiting for the gateway", walk.gateway_ms),
        ("as the client saw it", walk.total_ms),
    ):
        print(f"   {name:<24} p50 {statistics.median(values):.1f} ms, p99 {p99(values):.1f} ms")


def report(result: Result) -> None:
    print(f"pages walked             {', '.join(result.walked)}")
    _times(result.alone)
    _times(result.loaded)
    print(f"web's own time p99 (one browser) {p99(result.alone.own_ms):.1f} ms   goal <= {GOAL_OWN_P99_MS:.0f} ms")
    print(
        f"login page               {result.login_bytes / 1024:.0f} KB transferred in {len(result.login_resources)} "
        f"responses   goal <= {GOAL_LOGIN_KB:.0f} KB"
    )
    fonts = sum(size for size, path in result.login_resources if path.endswith(".woff2"))
    print(f"  of which fonts         {fonts / 1024:.0f} KB; largest: ", end="")
    print(", ".join(f"{path.rsplit('/', 1)[-1]} {size / 1024:.0f} KB" for size, path in result.login_resources[:6]))


def rows(result: Result) -> list[Row]:
    own = p99(result.alone.own_ms)
    weight = result.login_bytes / 1024
    rate = result.loaded.pages / result.loaded.elapsed
    return [
        Row("web's own time per page p99", f"{own:.1f} ms", f"≤ {GOAL_OWN_P99_MS:.0f} ms", own <= GOAL_OWN_P99_MS, own),
        Row(
            "login page weight (compressed)",
            f"{weight:.0f} KB",
            f"≤ {GOAL_LOGIN_KB:.0f} KB",
            weight <= GOAL_LOGIN_KB,
            weight,
        ),
        Row(
            f"pages/s on a journey mix ({result.loaded.concurrency} browsers)", f"{rate:.0f}/s", "(figure)", True, rate
        ),
    ]


def parser() -> argparse.ArgumentParser:
    parsed = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parsed.add_argument("--seconds", type=float, default=20)
    parsed.add_argument("--concurrency", type=int, default=8)
    parsed.add_argument("--people", type=int, default=8)
    return parsed


def main() -> None:
    result = run(parser().parse_args())
    report(result)
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()
