"""`python -m devstack run`: the whole system on this machine, until Ctrl-C."""

import argparse
import signal
import sys
import time
from pathlib import Path

from devstack.broker_users import (
    ADMIN,
    ADMIN_PASSWORD_VARIABLE,
    management_url_of,
    password,
    provision_users,
    replace_guest,
)
from devstack.ceres_example import CLIENT_ID, ceres_client, dev_clients_env, service_key, start_ceres_example
from devstack.processes import Stack
from devstack.settings import DevstackSettings
from devstack.store_users import provision_store_users
from devstack.system import (
    SERVICES,
    Endpoints,
    load_sirene_sample,
    metrics_urls,
    process_envs,
    service_env,
    start_maildev,
    start_mongodb,
    start_rabbitmq,
    start_service,
    start_services,
    wait_ready,
    wait_web,
    web_env,
)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run() -> int:
    settings = DevstackSettings()
    data_dir = settings.data_dir.resolve()
    logs = data_dir / "logs"
    stack = Stack()
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.monotonic()
    try:
        management_url = mail_ui_url = None
        amqp_url = settings.amqp_url
        if amqp_url is None:
            node = start_rabbitmq(stack, data_dir, settings.amqp_port, settings.management_port)
            amqp_url, management_url = replace_guest(node, data_dir), node.management_url
        broker_users = provision_users(amqp_url, management_url or management_url_of(amqp_url), data_dir)
        mongodb_url = settings.mongodb_url or start_mongodb(stack, data_dir, settings.mongodb_port)
        # Each process its own store user on its own database (the settings' default names).
        store_urls = provision_store_users(mongodb_url, {name: name for name in (*SERVICES, "web")}, data_dir)
        smtp_url = settings.smtp_url
        if smtp_url is None:
            smtp_url, mail_ui_url = start_maildev(stack, data_dir, settings.smtp_port, settings.mail_ui_port)
        endpoints = Endpoints(amqp_url, mongodb_url, smtp_url, management_url, mail_ui_url)
        operator = {"EFP_OPERATOR_AMQP_URL": broker_users.get("operator", amqp_url)}
        ceres = ceres_client(data_dir, settings.ceres_port)
        env = service_env(
            endpoints,
            data_dir,
            settings.gateway_port,
            {
                **operator,
                **web_env(settings.gateway_port, settings.web_port),
                **dev_clients_env([ceres]),
                "EFP_SERVICE_API_KEYS": service_key(data_dir),
            },
        )
        metrics_ports = {name: settings.metrics_port + i for i, name in enumerate(SERVICES)}
        load_sirene_sample(env, logs)
        own_env = process_envs(broker_users, metrics_ports, store_urls)
        children = start_services(stack, env, logs, own_env)
        gateway = f"http://127.0.0.1:{settings.gateway_port}"
        wait_ready(gateway, children)
        web = f"http://127.0.0.1:{settings.web_port}"
        children["web"] = start_service(stack, "web", {**env, **own_env.get("web", {})}, logs)
        wait_web(web, children["web"])
        secret = ceres["client_secret"]
        port = settings.ceres_port
        api = (gateway, service_key(data_dir))
        children["ceres-example"] = start_ceres_example(stack, web, CLIENT_ID, secret, port, logs, api)
        print(f"\nEFP Connect is up in {time.monotonic() - started:.1f}s.\n")
        print(f"  Web pages          {web}/  (passkeys: {web.replace('127.0.0.1', 'localhost')}/)")
        print(f"  Gateway API docs   {gateway}/docs")
        print(f"  CERES (example)    http://127.0.0.1:{port}/  (client_id {CLIENT_ID}, client_secret {secret})")
        if management_url:
            admin_password = password(data_dir, ADMIN, ADMIN_PASSWORD_VARIABLE)
            print(f"  RabbitMQ console   {management_url}  ({ADMIN} / {admin_password}, loopback only)")
        if broker_users:
            where = f"<USER>_AMQP_PASSWORD or {data_dir}/<user>-amqp-password"
            print(f"  Broker users       {', '.join(broker_users)} (passwords: {where})")
        if store_urls:
            users = ", ".join(name for name in store_urls if name != "gateway")
            where = f"<USER>_MONGODB_PASSWORD or {data_dir}/<user>-mongodb-password"
            print(f"  Store users        {users} (passwords: {where})")
            if settings.mongodb_url is None:
                print(f"  Store admin        efp-admin (password: {data_dir}/store-admin-password)")
        if mail_ui_url:
            print(f"  Mail catcher       {mail_ui_url}")
        for name, url in metrics_urls(gateway, metrics_ports).items():
            print(f"  Metrics {name:<12} {url}")
        print(f"  Logs               {logs}/")
        print(f"  Data               {data_dir}/\n\nCtrl-C stops everything.", flush=True)
        while True:
            for name, child in children.items():
                if not child.alive():
                    print(f"{name} exited; see {child.log_path}", file=sys.stderr)
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    finally:
        stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    parser.add_argument("command", choices=["run"])
    parser.parse_args()
    Path(".devstack").mkdir(exist_ok=True)
    sys.exit(run())


if __name__ == "__main__":
    main()
