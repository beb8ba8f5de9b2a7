"""Small Helm charts written at test time, as files keyed by their path in the chart."""

from __future__ import annotations

CHART_YAML = "apiVersion: v2\nname: {name}\nversion: 0.1.0\nappVersion: '1.0'\n"
VALUES = """\
replicaCount: 1
image: registry.example/zaken@sha256:{digest}
ingress:
  enabled: false
  hosts:
    - host: chart-example.local
      paths: [/]
privileged: false
"""
HELPERS = '{{- define "app.name" -}}{{ .Release.Name }}{{- end -}}\n'
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.name" . }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels: {app: {{ include "app.name" . }}}
  template:
    metadata:
      labels: {app: {{ include "app.name" . }}}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: app
          image: {{ .Values.image }}
          ports: [{containerPort: 8000}]
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: "1", memory: 512Mi}
          readinessProbe: {httpGet: {path: /health, port: 8000}}
          livenessProbe: {httpGet: {path: /health, port: 8000}}
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
            {{- if .Values.privileged }}
            privileged: true
            {{- end }}
"""
INGRESS = """\
{{- if .Values.ingress.enabled }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "app.name" . }}
spec:
  rules:
    {{- range .Values.ingress.hosts }}
    - host: {{ .host | quote }}
      http:
        paths:
          {{- range .paths }}
          - path: {{ . }}
            pathType: Prefix
            backend: {service: {name: app, port: {number: 80}}}
          {{- end }}
    {{- end }}
{{- end }}
"""


def chart(name: str = "zaken", **extra: str) -> dict[str, bytes]:
    """A chart whose defaults pass every check; ``extra`` adds or replaces files
    (``templates__x_yaml`` is not needed: pass ``**{"templates/x.yaml": ...}``)."""
    files = {
        "Chart.yaml": CHART_YAML.format(name=name),
        "values.yaml": VALUES.format(digest="c" * 64),
        "templates/_helpers.tpl": HELPERS,
        "templates/deployment.yaml": DEPLOYMENT,
        "templates/ingress.yaml": INGRESS,
        "templates/NOTES.txt": "Installed {{ .Release.Name }}.\n",
    }
    files.update(extra)
    return {path: text.encode() for path, text in files.items()}


def in_package(chart_files: dict[str, bytes]) -> dict[str, bytes]:
    """The chart's files as package members under chart/."""
    return {f"chart/{path}": data for path, data in chart_files.items()}
