"""Rendered chart documents in Helm's install order."""

from __future__ import annotations

from sdk.helm import RenderedManifest
from sdk.helm.install_order import install_order, is_test_hook, split_documents


def obj(kind: str, name: str, hook: str = "", weight: str = "") -> str:
    annotations = {k: v for k, v in (("helm.sh/hook", hook), ("helm.sh/hook-weight", weight)) if v}
    meta = f"  annotations: {annotations}\n" if annotations else ""
    return f"apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n{meta}"


def test_documents_are_split_on_separator_lines_and_comment_only_ones_dropped():
    text = "# Source: x\n---\n# only a comment\n---\na: 1\n--- \nb: '---'\n---\n"
    assert split_documents(text) == ["a: 1\n", "b: '---'\n"]


def test_kinds_follow_helms_order_and_hooks_go_around_the_release():
    manifests = [
        RenderedManifest("templates/ingress.yaml", obj("Ingress", "web")),
        RenderedManifest("templates/app.yaml", obj("Deployment", "app") + "---\n" + obj("Service", "app")),
        RenderedManifest("templates/migrate.yaml", obj("Job", "migrate", "pre-install,pre-upgrade", "5")),
        RenderedManifest("templates/secret.yaml", obj("Secret", "db", "pre-install", "-1")),
        RenderedManifest("templates/notify.yaml", obj("Job", "notify", "post-install")),
        RenderedManifest("templates/test.yaml", obj("Pod", "smoke", "test")),
        RenderedManifest("templates/custom.yaml", obj("Widget", "w")),
        RenderedManifest("templates/sa.yaml", obj("ServiceAccount", "app")),
    ]
    order = [(d.kind, d.template_path) for d in install_order(manifests)]
    assert order == [
        ("Secret", "templates/secret.yaml"), ("Job", "templates/migrate.yaml"),
        ("ServiceAccount", "templates/sa.yaml"), ("Service", "templates/app.yaml"),
        ("Deployment", "templates/app.yaml"), ("Ingress", "templates/ingress.yaml"),
        ("Widget", "templates/custom.yaml"), ("Job", "templates/notify.yaml"),
    ]


def test_only_pure_test_hooks_are_test_hooks():
    assert is_test_hook({"metadata": {"annotations": {"helm.sh/hook": "test-success"}}})
    assert not is_test_hook({"metadata": {"annotations": {"helm.sh/hook": "test,post-install"}}})
    assert not is_test_hook({"metadata": {}}) and not is_test_hook("text")
