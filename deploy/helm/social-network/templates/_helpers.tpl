{{/* Names: "<release>-<chart>" unless the release name already holds the chart name. */}}
{{- define "sn.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The modules in start order; each has a Deployment, a Service, and its settings under .Values.modules. */}}
{{- define "sn.modules" -}}discovery user friend recommendation gateway{{- end -}}

{{- define "sn.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "sn.labels" -}}
{{ include "sn.selectorLabels" . }}
app.kubernetes.io/part-of: social-network
app.kubernetes.io/version: {{ .root.Values.image.tag | default .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* "<fullname>-<component>": the name of a module's or engine's objects and Service. */}}
{{- define "sn.name" -}}{{ include "sn.fullname" .root }}-{{ .component }}{{- end -}}

{{- define "sn.image" -}}
{{- $tag := .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s%s:%s" .root.Values.image.prefix .component $tag -}}
{{- end -}}

{{/* The environment variable holding a module's port, as src/platform/config.ts reads it. */}}
{{- define "sn.portVariable" -}}{{ upper . }}_PORT{{- end -}}

{{/* Where the credentials live: an existing Secret (production) or the chart's own (desktop). */}}
{{- define "sn.credentialsSecret" -}}
{{- .Values.credentials.existingSecret | default (printf "%s-credentials" (include "sn.fullname" .)) -}}
{{- end -}}

{{- define "sn.discoveryTokenSecret" -}}
{{- .Values.discoveryToken.existingSecret | default (printf "%s-discovery-token" (include "sn.fullname" .)) -}}
{{- end -}}

{{/* The user service's master key: an existing Secret, or the one the chart made once (user-keys-secret.yaml). */}}
{{- define "sn.userKeysSecret" -}}
{{- .Values.userKeys.existingSecret | default (printf "%s-user-keys" (include "sn.fullname" .)) -}}
{{- end -}}

{{- define "sn.kafkaBrokers" -}}
{{- if .Values.kafka.internal.enabled -}}
{{ include "sn.fullname" . }}-kafka:9092
{{- else -}}
{{ required "kafka.brokers is required when kafka.internal.enabled is false" .Values.kafka.brokers }}
{{- end -}}
{{- end -}}

{{- define "sn.neo4jUrl" -}}
{{- if .Values.neo4j.internal.enabled -}}
bolt://{{ include "sn.fullname" . }}-neo4j:7687
{{- else -}}
{{ required "neo4j.url is required when neo4j.internal.enabled is false" .Values.neo4j.url }}
{{- end -}}
{{- end -}}

{{/* GATEWAY_UPSTREAMS for gateway.upstreams=services: each routed module's Service. */}}
{{- define "sn.gatewayUpstreams" -}}
{{- $root := . -}}
{{- $entries := list -}}
{{- range $m := list "user" "friend" "recommendation" -}}
{{- $entries = append $entries (printf "%s=http://%s:%v" $m (include "sn.name" (dict "root" $root "component" $m)) (index $root.Values.modules $m).port) -}}
{{- end -}}
{{- join "," $entries -}}
{{- end -}}

{{/* The pods' ServiceAccount: the chart's own, a named one, or the namespace's default. */}}
{{- define "sn.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "sn.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/*
  A module's pod scheduling: its own nodeSelector, tolerations, affinity and
  topologySpreadConstraints, else the chart-wide ones. A spread constraint without a
  labelSelector gets the module's pods, which is what one means nearly always.
*/}}
{{- define "sn.scheduling" -}}
{{- $v := index .root.Values.modules .component -}}
{{- $all := .root.Values -}}
{{- with $v.nodeSelector | default $all.nodeSelector }}
nodeSelector: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations | default $all.tolerations }}
tolerations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.affinity | default $all.affinity }}
affinity: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.topologySpreadConstraints | default $all.topologySpreadConstraints }}
topologySpreadConstraints:
{{- range $c := . }}
  - {{- toYaml (merge (deepCopy $c) (dict "labelSelector" (dict "matchLabels" (include "sn.selectorLabels" $ | fromYaml)))) | nindent 4 }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
CA certificates a module reads, each from a Secret mounted read-only under /etc/social-network/tls:
the brokers' (domain modules, with kafka.tls.enabled), PostgreSQL's (domain modules) and Neo4j's
(recommendation). A YAML list of {name, secret, key, path, variable}; empty when none is set.
*/}}
{{- define "sn.caFiles" -}}
{{- $v := .root.Values }}
{{- $domain := has .component (list "user" "friend" "recommendation") }}
{{- $cas := list }}
{{- if and $domain $v.kafka.tls.enabled $v.kafka.tls.caSecret }}
{{- $cas = append $cas (dict "name" "kafka-ca" "secret" $v.kafka.tls.caSecret "key" $v.kafka.tls.caKey "variable" "KAFKA_SSL_CA_FILE") }}
{{- end }}
{{- if and $domain $v.postgres.tls.caSecret }}
{{- $cas = append $cas (dict "name" "postgres-ca" "secret" $v.postgres.tls.caSecret "key" $v.postgres.tls.caKey "variable" "DATABASE_SSL_CA_FILE") }}
{{- end }}
{{- if and (eq .component "recommendation") $v.neo4j.tls.caSecret }}
{{- $cas = append $cas (dict "name" "neo4j-ca" "secret" $v.neo4j.tls.caSecret "key" $v.neo4j.tls.caKey "variable" "NEO4J_TRUSTED_CA_FILE") }}
{{- end }}
{{- range $cas }}
{{- $_ := set . "path" (printf "/etc/social-network/tls/%s" .name) }}
{{- end }}
{{- toYaml $cas }}
{{- end }}
