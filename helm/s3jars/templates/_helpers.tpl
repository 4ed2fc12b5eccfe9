{{- define "s3jars.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "s3jars.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "s3jars.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "s3jars.policyConfigMap" -}}
{{- if .Values.policy.create -}}{{ include "s3jars.fullname" . }}-policy{{- else -}}{{ required "policy.existingConfigMap is required when policy.create is false" .Values.policy.existingConfigMap }}{{- end -}}
{{- end -}}

{{- define "s3jars.nodeMountPathRecord" -}}
{{ include "s3jars.fullname" . }}-node-mount-paths
{{- end -}}

{{/* Namespaces no s3jars webhook ever sees: the cluster's own and the webhook's. */}}
{{- define "s3jars.excludedNamespaces" -}}
{{- $excluded := concat (list "kube-system" .Release.Namespace) .Values.webhook.excludedNamespaces | uniq -}}
{{- toJson $excluded -}}
{{- end -}}

{{/*
The guard's failurePolicy. Unless set, Fail only with matchConditions: without them every pod
CREATE in a non-excluded namespace reaches the guard, and Fail would refuse them all while s3jars is down.
*/}}
{{- define "s3jars.guardFailurePolicy" -}}
{{- if .Values.webhook.guard.failurePolicy -}}
{{- .Values.webhook.guard.failurePolicy -}}
{{- else if .Values.webhook.matchConditions -}}
Fail
{{- else -}}
Ignore
{{- end -}}
{{- end -}}

{{/* The configurations the chart renders, kind/name, for self-managed caBundle patching. */}}
{{- define "s3jars.webhookConfigurations" -}}
mutatingwebhookconfiguration/{{ .Values.webhook.name }}
{{- if or .Values.webhook.guard.enabled .Values.webhook.policyValidation.enabled -}}
,validatingwebhookconfiguration/{{ .Values.webhook.name }}
{{- end -}}
{{- end -}}

{{- define "s3jars.clientConfig" -}}
service:
  name: {{ include "s3jars.fullname" .root }}
  namespace: {{ .root.Release.Namespace }}
  path: {{ .path }}
  port: {{ .root.Values.service.port }}
{{- if eq .root.Values.certs.mode "secret" }}
caBundle: {{ required "certs.caBundle is required when certs.mode is secret" .root.Values.certs.caBundle }}
{{- end }}
{{- end -}}

{{/* cainjector copies ca.crt of the serving Certificate's Secret: the CA that signed it. */}}
{{- define "s3jars.caInjection" -}}
{{- if eq .Values.certs.mode "cert-manager" }}
annotations:
  cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/{{ include "s3jars.fullname" . }}
{{- end }}
{{- end -}}

{{/* The image by digest when one is given (immutable), else by tag (the chart's appVersion by default). */}}
{{- define "s3jars.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end -}}
