"""Rendering charts with Helm's own engine in a limited child process, and values paths."""

from __future__ import annotations

import sys

import pytest

from sdk.helm import HelmUnavailable, RenderFailure, ValueSet
from sdk.helm.isolated import IsolatedRenderer, write_chart
from sdk.helm.values_path import ValuesPathError, apply_values, parse_values_path, typed
from tests import helm_charts

pytest.importorskip("helm_python", reason="helm-python-sdk is not installed (pip install '.[helm]')")

#: Billions of steps, no output and little memory: only the time limit stops it.
LOOPING = "{{ range until 50000 }}{{ range until 50000 }}{{ end }}{{ end }}\n"
#: A text that doubles forty times: only the memory limit stops it.
EXPLODING = '{{ $s := "x" }}{{ range until 40 }}{{ $s = print $s $s }}{{ end }}{{ $s }}\n'


def paths(result) -> list[str]:
    return [m.template_path for m in result.manifests]


def test_renders_each_value_set_with_release_and_namespace():
    sub = {"charts/cache/Chart.yaml": "apiVersion: v2\nname: cache\nversion: 1.0.0\n",
           "charts/cache/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                                             "  name: cache\n  namespace: {{ .Release.Namespace }}\n"}
    files = helm_charts.chart(**sub)
    defaults, scaled = IsolatedRenderer().render(
        files, "zaken", "gemeente-a", [ValueSet("defaults"), ValueSet("scaled", values={"replicaCount": 3})])
    assert paths(defaults) == ["charts/cache/templates/cm.yaml", "templates/deployment.yaml"]
    deployment = dict((m.template_path, m.text) for m in scaled.manifests)["templates/deployment.yaml"]
    assert "name: zaken" in deployment and "replicas: 3" in deployment
    assert "namespace: gemeente-a" in defaults.manifests[0].text


def test_values_file_and_values_paths_are_applied_on_the_defaults():
    ci = "ingress:\n  enabled: true\n"
    (result,) = IsolatedRenderer().render(helm_charts.chart(), "zaken", "ns", [ValueSet(
        "ci", values_yaml=ci, settings=((("ingress", "hosts", 0, "host"), "zaken.gemeente.example"),))])
    ingress = dict((m.template_path, m.text) for m in result.manifests)["templates/ingress.yaml"]
    assert 'host: "zaken.gemeente.example"' in ingress
    assert "path: /" in ingress  # the list entry kept its other fields


def test_template_error_names_the_template():
    files = helm_charts.chart(**{"templates/broken.yaml": '{{ fail "set a database" }}\n'})
    (result,) = IsolatedRenderer().render(files, "zaken", "ns", [ValueSet("defaults")])
    assert not result.ok
    assert "zaken/templates/broken.yaml" in result.error and "set a database" in result.error


def test_a_looping_template_is_stopped_by_the_time_limit():
    files = helm_charts.chart(**{"templates/loop.yaml": LOOPING})
    with pytest.raises(RenderFailure, match="did not finish rendering within 3 seconds") as caught:
        IsolatedRenderer(timeout=3).render(files, "zaken", "ns", [ValueSet("defaults")])
    assert (caught.value.reason, caught.value.limit) == ("timeout", 3)


def test_a_template_that_explodes_is_stopped_by_the_memory_limit():
    files = helm_charts.chart(**{"templates/bomb.yaml": EXPLODING})
    with pytest.raises(RenderFailure, match="ran out of memory") as caught:
        IsolatedRenderer(timeout=60).render(files, "zaken", "ns", [ValueSet("defaults")])
    assert caught.value.reason == "out-of-memory"


def test_output_beyond_the_cap_is_refused():
    files = helm_charts.chart(**{"templates/big.yaml": "{{ repeat 200000 \"x\" }}\n"})
    with pytest.raises(RenderFailure, match="larger than"):
        IsolatedRenderer(max_output=100_000).render(files, "zaken", "ns", [ValueSet("defaults")])


def test_missing_engine_says_what_to_install():
    # `python -S` has no site-packages, so helm-python-sdk cannot be imported there.
    renderer = IsolatedRenderer(python=(sys.executable, "-S"))
    with pytest.raises(HelmUnavailable, match=r"pip install 'gemeente-appstore\[helm\]'"):
        renderer.render(helm_charts.chart(), "zaken", "ns", [ValueSet("defaults")])


@pytest.mark.parametrize("name", ["../escape.yaml", "/etc/passwd", "templates/../../x"])
def test_chart_files_never_land_outside_the_chart(tmp_path, name):
    with pytest.raises(RenderFailure, match="not a plain relative path"):
        write_chart(tmp_path / "chart", {name: b"x"})


def test_values_paths_parse_names_and_indexes():
    assert parse_values_path("ingress.hosts[0].host") == ("ingress", "hosts", 0, "host")
    assert parse_values_path("a[1][2].b-c_d") == ("a", 1, 2, "b-c_d")


@pytest.mark.parametrize("bad", ["", "a..b", ".a", "a.", "a[x]", "a[", "a[1]b", "a b", "a[99999]",
                                 "a." * 200 + "a"])
def test_malformed_values_paths_are_refused(bad):
    with pytest.raises(ValuesPathError):
        parse_values_path(bad)


def test_values_are_typed_as_helm_set_types_them():
    assert [typed(v) for v in ("3", "-2", "007", "true", "null", "zaken")] == [3, -2, "007", True, None, "zaken"]


def test_apply_values_pads_lists_and_keeps_untouched_defaults():
    defaults = {"ingress": {"enabled": False, "hosts": [{"host": "a", "paths": ["/"]}]}, "other": 1}
    assert apply_values(defaults, {("ingress", "hosts", 1, "host"): "b"}) == {
        "ingress": {"enabled": False, "hosts": [{"host": "a", "paths": ["/"]}, {"host": "b"}]}}
    assert defaults["ingress"]["hosts"] == [{"host": "a", "paths": ["/"]}]  # not changed in place
