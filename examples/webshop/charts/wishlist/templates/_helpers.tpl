{{- define "wishlist.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "wishlist.labels" -}}
app.kubernetes.io/name: {{ include "wishlist.name" . }}
app.kubernetes.io/part-of: webshop
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}
