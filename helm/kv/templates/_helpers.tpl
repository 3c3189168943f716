{{/* vim: set filetype=mustache: */}}

{{/*
Chart name, as used in the app.kubernetes.io/name label.
*/}}
{{- define "kv.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Base name of every object: fullnameOverride, else the release name. The longest derived name is
<fullname>-node-headless and StatefulSet pods carry <fullname>-node-<revision hash> as a label, so the base name is
limited to 40 characters.
*/}}
{{- define "kv.fullname" -}}
{{- $name := default .Release.Name .Values.fullnameOverride | trimSuffix "-" -}}
{{- if gt (len $name) 40 -}}
{{- fail (printf "kv: the base name %q is longer than 40 characters; set fullnameOverride to a shorter name" $name) -}}
{{- end -}}
{{- $name -}}
{{- end -}}

{{/*
Chart name and version, as used in the helm.sh/chart label.
*/}}
{{- define "kv.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Names of the objects. */}}
{{- define "kv.node.fullname" -}}
{{- printf "%s-node" (include "kv.fullname" .) -}}
{{- end -}}

{{- define "kv.node.headlessServiceName" -}}
{{- printf "%s-node-headless" (include "kv.fullname" .) -}}
{{- end -}}

{{- define "kv.gateway.fullname" -}}
{{- printf "%s-gateway" (include "kv.fullname" .) -}}
{{- end -}}

{{- define "kv.admin.fullname" -}}
{{- printf "%s-admin" (include "kv.fullname" .) -}}
{{- end -}}

{{/*
Selector labels: stable across upgrades (they are part of immutable selectors and volumeClaimTemplates).
Call with (dict "context" $ "component" "node"); an empty component leaves the component label out.
*/}}
{{- define "kv.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kv.name" .context | quote }}
app.kubernetes.io/instance: {{ .context.Release.Name | quote }}
{{- if .component }}
app.kubernetes.io/component: {{ .component | quote }}
{{- end }}
{{- end -}}

{{/*
Standard labels. Call with (dict "context" $ "component" "node").
*/}}
{{- define "kv.labels" -}}
{{ include "kv.selectorLabels" . }}
app.kubernetes.io/version: {{ .context.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: kv
app.kubernetes.io/managed-by: {{ .context.Release.Service | quote }}
helm.sh/chart: {{ include "kv.chart" .context | quote }}
{{- with .context.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Labels of a component's pods: the standard labels plus <component>.podLabels.
Call with (dict "context" $ "component" "node" "values" .Values.node).
*/}}
{{- define "kv.podLabels" -}}
{{ include "kv.labels" (dict "context" .context "component" .component) }}
{{- with .values.podLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
metadata.annotations of an object: commonAnnotations plus optional extra ones (which win).
Call with (dict "context" $ "extra" .Values.gateway.service.annotations); renders nothing when both are empty.
*/}}
{{- define "kv.annotations" -}}
{{- $annotations := merge (dict) (.extra | default dict) (.context.Values.commonAnnotations | default dict) -}}
{{- if $annotations -}}
{{- toYaml $annotations -}}
{{- end -}}
{{- end -}}

{{/*
Annotations of a component's pods: a checksum of the auth values but the cluster secret (pods restart when the
dashboard login set through values changes, as it reaches the dashboard in environment variables; the cluster secret
is a mounted file that the services read again every second, so changing it restarts nothing; generated secrets never
change, so they are left out and no upgrade restarts pods for nothing), the
prometheus.io/* scrape annotations (on the management port) unless a ServiceMonitor is used, and
<component>.podAnnotations; "checksums" (optional) adds checksum/* annotations of files the pods read only at start.
Call with (dict "context" $ "values" .Values.node).
*/}}
{{- define "kv.podAnnotations" -}}
{{- $root := .context -}}
checksum/auth: {{ toJson (omit $root.Values.auth "clusterSecret") | sha256sum }}
{{- with .checksums }}
{{ toYaml . }}
{{- end }}
{{- if not $root.Values.metrics.serviceMonitor.enabled }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .values.managementPort | quote }}
prometheus.io/path: /actuator/prometheus
{{- end }}
{{- with .values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
A kv image: <image.registry>/<repository>:<image.tag or appVersion>, or @<digest> when the component sets one.
Call with (dict "context" $ "image" .Values.node.image).
*/}}
{{- define "kv.image" -}}
{{- $root := .context -}}
{{- $ref := .image.repository -}}
{{- with $root.Values.image.registry -}}
{{- $ref = printf "%s/%s" (trimSuffix "/" .) $ref -}}
{{- end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $ref .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $ref (default $root.Chart.AppVersion $root.Values.image.tag | toString) -}}
{{- end -}}
{{- end -}}

{{/*
A tool image given as {registry, repository, tag}: <registry>/<repository>:<tag>, or <repository>:<tag>.
*/}}
{{- define "kv.toolImage" -}}
{{- if .registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" .registry) .repository (.tag | toString) -}}
{{- else -}}
{{- printf "%s:%s" .repository (.tag | toString) -}}
{{- end -}}
{{- end -}}

{{/*
The image of the Helm test pod.
*/}}
{{- define "kv.tests.image" -}}
{{- include "kv.toolImage" .Values.tests.image -}}
{{- end -}}

{{/*
imagePullSecrets of a pod spec (entries may be names or {name: ...} objects); empty when there are none.
*/}}
{{- define "kv.imagePullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
  {{- range . }}
  {{- if kindIs "map" . }}
  - name: {{ .name | quote }}
  {{- else }}
  - name: {{ . | quote }}
  {{- end }}
  {{- end }}
{{- end }}
{{- end -}}

{{/*
Name of the ServiceAccount the pods use.
*/}}
{{- define "kv.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kv.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
Name of the Secret with the keys cluster-secret, admin-username and admin-password.
*/}}
{{- define "kv.secretName" -}}
{{- if .Values.auth.existingSecret -}}
{{- .Values.auth.existingSecret -}}
{{- else -}}
{{- printf "%s-secret" (include "kv.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/*
The cluster secret reaches the pods as a file, never as an environment variable: the Secret's key cluster-secret is
mounted read-only (a whole volume, never with subPath, so that the kubelet swaps in a changed Secret in place) and the
services read the file again every second (KV_CLUSTER_SECRET_FILE). A rotation is thus three edits of the Secret and no
restart (see "Rotating the cluster secret" in README.md).
*/}}
{{- define "kv.clusterSecret.dir" -}}
/etc/kv/cluster-secret
{{- end -}}

{{- define "kv.clusterSecret.file" -}}
{{- printf "%s/cluster-secret" (include "kv.clusterSecret.dir" .) -}}
{{- end -}}

{{/*
The env entry KV_CLUSTER_SECRET_FILE: the path of the mounted secret.
*/}}
{{- define "kv.env.clusterSecretFile" -}}
- name: KV_CLUSTER_SECRET_FILE
  value: {{ include "kv.clusterSecret.file" . | quote }}
{{- end -}}

{{/*
The volumeMounts entry of the cluster secret (read-only, no subPath).
*/}}
{{- define "kv.clusterSecret.volumeMount" -}}
- name: cluster-secret
  mountPath: {{ include "kv.clusterSecret.dir" . | quote }}
  readOnly: true
{{- end -}}

{{/*
The volumes entry of the cluster secret: only the key cluster-secret of the Secret, as the file cluster-secret. Mode
0440 (288 in decimal, which every YAML parser reads alike): owned by root and by the pod's fsGroup (the pods run as
1000 in group 1000), so the service reads it and no one else can.
*/}}
{{- define "kv.clusterSecret.volume" -}}
- name: cluster-secret
  secret:
    secretName: {{ include "kv.secretName" . | quote }}
    defaultMode: 288
    items:
      - key: cluster-secret
        path: cluster-secret
{{- end -}}

{{/*
Gossip seeds: the stable DNS names of the first two node pods (fewer when there are fewer nodes), as
host:port entries separated by commas. Used by the nodes (KV_GOSSIP_SEEDS) and the gateways (KV_GATEWAY_SEEDS).
*/}}
{{- define "kv.seeds" -}}
{{- $fullname := include "kv.fullname" . -}}
{{- $headless := include "kv.node.headlessServiceName" . -}}
{{- $count := min (int .Values.node.replicaCount) 2 | int -}}
{{- $seeds := list -}}
{{- range $i := until $count -}}
{{- $seeds = append $seeds (printf "%s-node-%d.%s.%s.svc.%s:%d" $fullname $i $headless $.Release.Namespace $.Values.clusterDomain (int $.Values.node.port)) -}}
{{- end -}}
{{- join "," $seeds -}}
{{- end -}}

{{/*
The first ring: the node pods <fullname>-node-0 ... <fullname>-node-<cluster.initialMembers - 1>, as node ids (a node's
id is its pod name) separated by commas (KV_MEMBERSHIP_INITIAL_MEMBERS). It follows cluster.initialMembers only, never
node.replicaCount: pods added later join the ring instead of forming one.
*/}}
{{- define "kv.initialMembers" -}}
{{- $node := include "kv.node.fullname" . -}}
{{- $members := list -}}
{{- range $i := until (int .Values.cluster.initialMembers) -}}
{{- $members = append $members (printf "%s-%d" $node $i) -}}
{{- end -}}
{{- join "," $members -}}
{{- end -}}

{{/*
Base URL of the gateway Service, as the dashboard, the scale-down hook and the helm test pod reach it: https when
gateway.tls.enabled (the certificate must then name <fullname>-gateway, which the chart's Certificate does).
*/}}
{{- define "kv.gateway.url" -}}
{{- printf "%s://%s:%d" (ternary "https" "http" (.Values.gateway.tls.enabled | default false)) (include "kv.gateway.fullname" .) (int .Values.gateway.service.port) -}}
{{- end -}}

{{/*
Name of a component's data port, on the container and the Service (and so in the Ingress backend): https when the
component serves TLS there, else http. A service mesh or an Ingress controller that picks the protocol by the port's
name then sees the right one.
Call with the component's values (.Values.gateway or .Values.admin), or with (dict "tls" .Values.memberTls) for the
node, whose data port serves TLS (mutual) with memberTls.
*/}}
{{- define "kv.portName" -}}
{{- if and .tls .tls.enabled -}}https{{- else -}}http{{- end -}}
{{- end -}}

{{/*
TLS on a component's data port (gateway.tls, admin.tls): Spring Boot's SSL bundle "public" from the PEM files of a
kubernetes.io/tls Secret, mounted read-only at /etc/kv/tls without subPath, so that the kubelet swaps in a renewed
certificate in place and reload-on-update serves it to new connections without a restart. The management port stays
plain HTTP (probes, Prometheus).
*/}}
{{- define "kv.tls.dir" -}}
/etc/kv/tls
{{- end -}}

{{/*
The kubernetes.io/tls Secret of a component: tls.existingSecret, else the Secret the chart's Certificate is issued
into, <fullname>-<component>-tls. Call with (dict "context" $ "component" "gateway" "tls" .Values.gateway.tls).
*/}}
{{- define "kv.tls.secretName" -}}
{{- if .tls.existingSecret -}}
{{- .tls.existingSecret -}}
{{- else -}}
{{- printf "%s-%s-tls" (include "kv.fullname" .context) .component -}}
{{- end -}}
{{- end -}}

{{/*
The env entries of TLS on the data port. Call with the component's tls values.
*/}}
{{- define "kv.tls.env" -}}
- name: SERVER_SSL_BUNDLE
  value: public
- name: SPRING_SSL_BUNDLE_PEM_PUBLIC_KEYSTORE_CERTIFICATE
  value: {{ printf "file:%s/tls.crt" (include "kv.tls.dir" .) | quote }}
- name: SPRING_SSL_BUNDLE_PEM_PUBLIC_KEYSTORE_PRIVATEKEY
  value: {{ printf "file:%s/tls.key" (include "kv.tls.dir" .) | quote }}
- name: SPRING_SSL_BUNDLE_PEM_PUBLIC_RELOADONUPDATE
  value: "true"
- name: MANAGEMENT_SERVER_SSL_ENABLED
  value: "false"
{{- end -}}

{{/*
The volumeMounts entry of a component's TLS Secret (read-only, no subPath).
*/}}
{{- define "kv.tls.volumeMount" -}}
- name: tls
  mountPath: {{ include "kv.tls.dir" . | quote }}
  readOnly: true
{{- end -}}

{{/*
The volumes entry of a component's TLS Secret: its keys tls.crt and tls.key, mode 0440 (root and the pod's fsGroup).
Call with (dict "context" $ "component" "gateway" "tls" .Values.gateway.tls).
*/}}
{{- define "kv.tls.volume" -}}
- name: tls
  secret:
    secretName: {{ include "kv.tls.secretName" . | quote }}
    defaultMode: 288
    items:
      - key: tls.crt
        path: tls.crt
      - key: tls.key
        path: tls.key
{{- end -}}

{{/*
The CA that signed the gateway's certificate, for the callers of an https gateway (the dashboard, the scale-down hook,
the helm test pod): the key ca.crt of gateway.tls.caSecret, else of the gateway's TLS Secret (cert-manager writes it
for CA and self-signed issuers; a Secret of your own needs it, or a caSecret). Mounted at /etc/kv/gateway-ca.
*/}}
{{- define "kv.gatewayCa.dir" -}}
/etc/kv/gateway-ca
{{- end -}}

{{- define "kv.gatewayCa.file" -}}
{{- printf "%s/ca.crt" (include "kv.gatewayCa.dir" .) -}}
{{- end -}}

{{- define "kv.gatewayCa.secretName" -}}
{{- .Values.gateway.tls.caSecret | default (include "kv.tls.secretName" (dict "context" . "component" "gateway" "tls" .Values.gateway.tls)) -}}
{{- end -}}

{{- define "kv.gatewayCa.volumeMount" -}}
- name: gateway-ca
  mountPath: {{ include "kv.gatewayCa.dir" . | quote }}
  readOnly: true
{{- end -}}

{{/*
The volumes entry of the gateway's CA: only the key ca.crt. Call with (dict "context" $ "optional" true) for the hook
and test pods, which then say clearly that the file is missing instead of waiting for the volume.
*/}}
{{- define "kv.gatewayCa.volume" -}}
- name: gateway-ca
  secret:
    secretName: {{ include "kv.gatewayCa.secretName" .context | quote }}
    defaultMode: 288
    {{- if .optional }}
    optional: true
    {{- end }}
    items:
      - key: ca.crt
        path: ca.crt
{{- end -}}

{{/*
Client authentication on the gateway (gateway.auth): the clients are a YAML file, clients.yaml, in a Secret (the
chart's <fullname>-gateway-clients, or gateway.auth.existingSecret), mounted read-only without subPath at
/etc/kv/clients and imported by Spring (SPRING_CONFIG_IMPORT). KV_GATEWAY_AUTH_ENABLED=true besides, so that a file
that does not say so cannot leave the gateway open: without a client in it the gateway refuses to start.
*/}}
{{- define "kv.gatewayAuth.dir" -}}
/etc/kv/clients
{{- end -}}

{{- define "kv.gatewayAuth.secretName" -}}
{{- .Values.gateway.auth.existingSecret | default (printf "%s-gateway-clients" (include "kv.fullname" .)) -}}
{{- end -}}

{{/*
The file clients.yaml of the chart-owned Secret, from gateway.auth.clients (keySha256 becomes key-sha256, in lower
case; no prefixes: every key).
*/}}
{{- define "kv.gatewayAuth.clientsYaml" -}}
{{- $clients := list -}}
{{- range .Values.gateway.auth.clients -}}
{{- $client := dict "name" .name "key-sha256" (lower .keySha256) "roles" .roles -}}
{{- with .prefixes -}}
{{- $_ := set $client "prefixes" . -}}
{{- end -}}
{{- $clients = append $clients $client -}}
{{- end -}}
{{- toYaml (dict "kv" (dict "gateway" (dict "auth" (dict "enabled" true "clients" $clients)))) -}}
{{- end -}}

{{- define "kv.gatewayAuth.env" -}}
- name: SPRING_CONFIG_IMPORT
  value: {{ printf "optional:file:%s/clients.yaml" (include "kv.gatewayAuth.dir" .) | quote }}
- name: KV_GATEWAY_AUTH_ENABLED
  value: "true"
{{- end -}}

{{- define "kv.gatewayAuth.volumeMount" -}}
- name: clients
  mountPath: {{ include "kv.gatewayAuth.dir" . | quote }}
  readOnly: true
{{- end -}}

{{- define "kv.gatewayAuth.volume" -}}
- name: clients
  secret:
    secretName: {{ include "kv.gatewayAuth.secretName" . | quote }}
    defaultMode: 288
    items:
      - key: clients.yaml
        path: clients.yaml
{{- end -}}

{{/*
Mutual TLS among members (memberTls): every member (node, gateway, dashboard) holds a certificate from the cluster CA
in a kubernetes.io/tls Secret (tls.crt, tls.key, ca.crt) mounted read-only at /etc/kv/member-tls, without subPath, as
Spring Boot's PEM SSL bundle "member" with reload-on-update: when the Secret is renewed the kubelet swaps the files in
place and the service uses them from the next handshake on, as server and as client, without a restart (so, unlike
the gateway's clients, the member Secrets get no checksum annotation: a change must not roll the pods). ca.crt is the
only trust: the members call each other at https addresses only, check the peer's host name and its identity against
KV_CLUSTER_TLS_ALLOWEDIDENTITIES in the handshake; the nodes serve their data port from the same bundle and need a
client certificate (SERVER_SSL_CLIENTAUTH=need: without it a node with member TLS refuses to start).
*/}}
{{- define "kv.memberTls.dir" -}}
/etc/kv/member-tls
{{- end -}}

{{/*
The components that hold a member certificate: node, gateway, and admin when the dashboard is deployed.
*/}}
{{- define "kv.memberTls.components" -}}
{{- $components := list "node" "gateway" -}}
{{- if .Values.admin.enabled -}}
{{- $components = append $components "admin" -}}
{{- end -}}
{{- join "," $components -}}
{{- end -}}

{{/*
The Secret of a component's member certificate: the one the chart's Certificate is issued into,
<fullname>-<component>-member-tls, with memberTls.certManager.enabled, else memberTls.existingSecrets.<component>.
Call with (dict "context" $ "component" "node").
*/}}
{{- define "kv.memberTls.secretName" -}}
{{- $memberTls := .context.Values.memberTls -}}
{{- if $memberTls.certManager.enabled -}}
{{- printf "%s-%s-member-tls" (include "kv.fullname" .context) .component -}}
{{- else -}}
{{- index $memberTls.existingSecrets .component -}}
{{- end -}}
{{- end -}}

{{/*
The identities admitted as members, separated by commas (KV_CLUSTER_TLS_ALLOWEDIDENTITIES): memberTls.allowedIdentities,
else the common names of the chart's certificates, <fullname>-<component> for each component that holds one.
*/}}
{{- define "kv.memberTls.allowedIdentities" -}}
{{- $identities := .Values.memberTls.allowedIdentities | default list -}}
{{- if not $identities -}}
{{- range $component := splitList "," (include "kv.memberTls.components" .) -}}
{{- $identities = append $identities (printf "%s-%s" (include "kv.fullname" $) $component) -}}
{{- end -}}
{{- end -}}
{{- join "," $identities -}}
{{- end -}}

{{/*
The env entries of member TLS. Call with (dict "context" $ "node" true) for the nodes, which also serve their data port
from the bundle and ask every client for its certificate; their management port stays plain HTTP (probes,
Prometheus). The gateway and the dashboard use the bundle as clients only (the gateway's own port has gateway.tls).
*/}}
{{- define "kv.memberTls.env" -}}
{{- $dir := include "kv.memberTls.dir" .context -}}
- name: KV_CLUSTER_TLS_BUNDLE
  value: member
- name: KV_CLUSTER_TLS_ALLOWEDIDENTITIES
  value: {{ include "kv.memberTls.allowedIdentities" .context | quote }}
- name: SPRING_SSL_BUNDLE_PEM_MEMBER_KEYSTORE_CERTIFICATE
  value: {{ printf "file:%s/tls.crt" $dir | quote }}
- name: SPRING_SSL_BUNDLE_PEM_MEMBER_KEYSTORE_PRIVATEKEY
  value: {{ printf "file:%s/tls.key" $dir | quote }}
- name: SPRING_SSL_BUNDLE_PEM_MEMBER_TRUSTSTORE_CERTIFICATE
  value: {{ printf "file:%s/ca.crt" $dir | quote }}
- name: SPRING_SSL_BUNDLE_PEM_MEMBER_RELOADONUPDATE
  value: "true"
{{- if .node }}
- name: SERVER_SSL_BUNDLE
  value: member
- name: SERVER_SSL_CLIENTAUTH
  value: need
- name: MANAGEMENT_SERVER_SSL_ENABLED
  value: "false"
{{- end }}
{{- end -}}

{{/*
The volumeMounts entry of a component's member certificate (read-only, no subPath).
*/}}
{{- define "kv.memberTls.volumeMount" -}}
- name: member-tls
  mountPath: {{ include "kv.memberTls.dir" . | quote }}
  readOnly: true
{{- end -}}

{{/*
The volumes entry of a component's member certificate: the keys tls.crt, tls.key and ca.crt, mode 0440 (root and the
pod's fsGroup). Call with (dict "context" $ "component" "node").
*/}}
{{- define "kv.memberTls.volume" -}}
- name: member-tls
  secret:
    secretName: {{ include "kv.memberTls.secretName" . | quote }}
    defaultMode: 288
    items:
      - key: tls.crt
        path: tls.crt
      - key: tls.key
        path: tls.key
      - key: ca.crt
        path: ca.crt
{{- end -}}

{{/*
Affinity of a component's pods: <component>.affinity when set, else the podAntiAffinityPreset (soft or hard) over
the component's pods on kubernetes.io/hostname; empty for no preset.
Call with (dict "context" $ "component" "node" "values" .Values.node).
*/}}
{{- define "kv.affinity" -}}
{{- if .values.affinity -}}
{{- toYaml .values.affinity -}}
{{- else if eq (.values.podAntiAffinityPreset | default "") "soft" -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "kv.selectorLabels" (dict "context" .context "component" .component) | nindent 12 }}
{{- else if eq (.values.podAntiAffinityPreset | default "") "hard" -}}
podAntiAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    - topologyKey: kubernetes.io/hostname
      labelSelector:
        matchLabels:
          {{- include "kv.selectorLabels" (dict "context" .context "component" .component) | nindent 10 }}
{{- end -}}
{{- end -}}

{{/*
Scheduling fields of a pod spec: priorityClassName, affinity, nodeSelector, tolerations.
Call with (dict "context" $ "component" "node" "values" .Values.node).
*/}}
{{- define "kv.scheduling" -}}
{{- with .values.priorityClassName }}
priorityClassName: {{ . | quote }}
{{- end }}
{{- with (include "kv.affinity" . | trim) }}
affinity:
  {{- . | nindent 2 }}
{{- end }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
Probes of a Spring Boot container on the actuator health groups, on the container port named management (Actuator
answers there only; the data port has no /actuator at all).
Call with the component's values (.Values.node, .Values.gateway or .Values.admin).
*/}}
{{- define "kv.probes" -}}
{{- with .startupProbe }}
{{- if .enabled }}
startupProbe:
  httpGet:
    path: /actuator/health/liveness
    port: management
  initialDelaySeconds: {{ .initialDelaySeconds }}
  periodSeconds: {{ .periodSeconds }}
  timeoutSeconds: {{ .timeoutSeconds }}
  failureThreshold: {{ .failureThreshold }}
{{- end }}
{{- end }}
{{- with .livenessProbe }}
{{- if .enabled }}
livenessProbe:
  httpGet:
    path: /actuator/health/liveness
    port: management
  initialDelaySeconds: {{ .initialDelaySeconds }}
  periodSeconds: {{ .periodSeconds }}
  timeoutSeconds: {{ .timeoutSeconds }}
  failureThreshold: {{ .failureThreshold }}
{{- end }}
{{- end }}
{{- with .readinessProbe }}
{{- if .enabled }}
readinessProbe:
  httpGet:
    path: /actuator/health/readiness
    port: management
  initialDelaySeconds: {{ .initialDelaySeconds }}
  periodSeconds: {{ .periodSeconds }}
  timeoutSeconds: {{ .timeoutSeconds }}
  failureThreshold: {{ .failureThreshold }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
The management port of a component's container: Actuator (health groups, Prometheus) on a port of its own, bound to
every interface of the pod (the services bind it to loopback by default). The data port serves no /actuator.
*/}}
{{- define "kv.containerPort.management" -}}
- name: management
  containerPort: {{ .managementPort }}
  protocol: TCP
{{- end -}}

{{/*
The env entries of the management port. Call with the component's values.
*/}}
{{- define "kv.env.management" -}}
- name: MANAGEMENT_SERVER_ADDRESS
  value: "0.0.0.0"
- name: MANAGEMENT_SERVER_PORT
  value: {{ .managementPort | quote }}
{{- end -}}

{{/*
The Host names the dashboard answers to besides loopback ones (KV_ADMIN_ALLOWEDHOSTS), separated by commas:
admin.allowedHosts plus admin.ingress.host when the Ingress is enabled (not a wildcard host, which the dashboard
cannot match). Empty when there are none.
*/}}
{{- define "kv.admin.allowedHosts" -}}
{{- $hosts := list -}}
{{- range .Values.admin.allowedHosts -}}
{{- $hosts = append $hosts (lower .) -}}
{{- end -}}
{{- with .Values.admin.ingress -}}
{{- if and .enabled .host (not (hasPrefix "*" .host)) -}}
{{- $hosts = append $hosts (lower .host) -}}
{{- end -}}
{{- end -}}
{{- join "," (uniq $hosts) -}}
{{- end -}}

{{/*
The label that tells the metrics Services (<fullname>-<component>-metrics) apart from a component's other Services;
the ServiceMonitors select it.
*/}}
{{- define "kv.metricsServiceLabel" -}}
kv/metrics: "true"
{{- end -}}

{{/*
A duration such as 10m in milliseconds (units ms, s, m, h, d, as values.schema.json allows).
*/}}
{{- define "kv.durationMillis" -}}
{{- $text := toString . -}}
{{- $number := regexFind "^[0-9]+" $text -}}
{{- $unit := trimPrefix $number $text -}}
{{- $factors := dict "ms" 1 "s" 1000 "m" 60000 "h" 3600000 "d" 86400000 -}}
{{- if not (hasKey $factors $unit) -}}
{{- fail (printf "kv: %q is not a duration like 500ms, 5s, 10m, 3h or 1d" $text) -}}
{{- end -}}
{{- mul (int64 $number) (get $factors $unit) -}}
{{- end -}}

{{/*
Checks of value combinations that values.schema.json cannot express; fails the render with a message.
*/}}
{{- define "kv.validateValues" -}}
{{- $grace := include "kv.durationMillis" .Values.config.tombstoneGrace | int64 -}}
{{- $cycle := include "kv.durationMillis" .Values.config.antiEntropy.cycle | int64 -}}
{{- if le $grace $cycle -}}
{{- fail (printf "kv: config.tombstoneGrace (%s) must be longer than config.antiEntropy.cycle (%s): a tombstone purged before every replica pair was compared could let a deleted value come back" (toString .Values.config.tombstoneGrace) (toString .Values.config.antiEntropy.cycle)) -}}
{{- end -}}
{{- range $component := list "node" "gateway" "admin" -}}
{{- $values := index $.Values $component -}}
{{- if eq (int $values.port) (int $values.managementPort) -}}
{{- fail (printf "kv: %s.managementPort (%d) must differ from %s.port: Actuator answers on a port of its own" $component (int $values.managementPort) $component) -}}
{{- end -}}
{{- end -}}
{{- if and (not .Values.auth.existingSecret) (not .Values.auth.adminUsername) -}}
{{- fail "kv: auth.adminUsername must not be empty (the dashboard needs both a user and a password)" -}}
{{- end -}}
{{- /* values.schema.json refuses these too; the checks stay for a render without schema validation. */ -}}
{{- range $component := list "gateway" "admin" -}}
{{- $tls := (index $.Values $component).tls -}}
{{- if $tls.enabled -}}
{{- if eq (empty $tls.existingSecret) (not $tls.certManager.enabled) -}}
{{- fail (printf "kv: %s.tls.enabled needs exactly one of %s.tls.existingSecret and %s.tls.certManager.enabled" $component $component $component) -}}
{{- end -}}
{{- if and $tls.certManager.enabled (not $tls.certManager.issuerRef.name) -}}
{{- fail (printf "kv: %s.tls.certManager.enabled needs %s.tls.certManager.issuerRef.name" $component $component) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- with .Values.memberTls -}}
{{- if .enabled -}}
{{- $given := list -}}
{{- range $component := list "node" "gateway" "admin" -}}
{{- if index $.Values.memberTls.existingSecrets $component -}}
{{- $given = append $given $component -}}
{{- end -}}
{{- end -}}
{{- $missing := list -}}
{{- range $component := splitList "," (include "kv.memberTls.components" $) -}}
{{- if not (index $.Values.memberTls.existingSecrets $component) -}}
{{- $missing = append $missing $component -}}
{{- end -}}
{{- end -}}
{{- if and .certManager.enabled $given -}}
{{- fail (printf "kv: memberTls needs exactly one certificate source: memberTls.certManager.enabled or memberTls.existingSecrets, not both (existingSecrets given for %s)" (join ", " $given)) -}}
{{- end -}}
{{- if and (not .certManager.enabled) $missing -}}
{{- fail (printf "kv: memberTls.enabled needs memberTls.certManager.enabled or an existing Secret for every member (%s); missing: memberTls.existingSecrets.%s" (include "kv.memberTls.components" $ | replace "," ", ") (join ", memberTls.existingSecrets." $missing)) -}}
{{- end -}}
{{- if and .certManager.enabled (not .certManager.issuerRef.name) -}}
{{- fail "kv: memberTls.certManager.enabled needs memberTls.certManager.issuerRef.name" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- with .Values.gateway.auth -}}
{{- if .enabled -}}
{{- if eq (empty .existingSecret) (empty .clients) -}}
{{- fail "kv: gateway.auth.enabled needs exactly one of gateway.auth.clients and gateway.auth.existingSecret" -}}
{{- end -}}
{{- end -}}
{{- $names := list -}}
{{- $digests := list -}}
{{- range .clients -}}
{{- if has .name $names -}}
{{- fail (printf "kv: gateway.auth.clients: two clients are named %q" .name) -}}
{{- end -}}
{{- if has (lower .keySha256) $digests -}}
{{- fail (printf "kv: gateway.auth.clients: %s has the same keySha256 as another client" .name) -}}
{{- end -}}
{{- $names = append $names .name -}}
{{- $digests = append $digests (lower .keySha256) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
An egress rule of a NetworkPolicy: to this release's pods of a component (node or gateway), on their HTTP port (the
container port: a NetworkPolicy sees the pod behind a Service). Call with (dict "context" $ "component" "node").
*/}}
{{- define "kv.networkPolicy.egressTo" -}}
{{- $root := .context -}}
{{- $port := ternary $root.Values.node.port $root.Values.gateway.port (eq .component "node") -}}
- to:
    - podSelector:
        matchLabels:
          {{- include "kv.selectorLabels" (dict "context" $root "component" .component) | nindent 10 }}
  ports:
    - port: {{ $port }}
      protocol: TCP
{{- end -}}

{{/*
The ingress rule of a component's management port (Actuator: /actuator/prometheus, the health groups): only from
networkPolicy.prometheusFrom. Nothing when that is empty, since a rule without peers would admit every source; the
kubelet's probes come from the pod's own Kubernetes node, which NetworkPolicies do not stop in most CNIs.
Call with (dict "context" $ "values" .Values.node).
*/}}
{{- define "kv.networkPolicy.managementIngress" -}}
{{- with .context.Values.networkPolicy.prometheusFrom -}}
- ports:
    - port: {{ $.values.managementPort }}
      protocol: TCP
  from:
    {{- toYaml . | nindent 4 }}
{{- end -}}
{{- end -}}

{{/*
The egress rules every policy of the chart ends with: DNS (port 53, UDP and TCP) to networkPolicy.egress.dnsTo, or
to any destination when that is empty, then networkPolicy.egress.extraRules.
*/}}
{{- define "kv.networkPolicy.egressDnsAndExtra" -}}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
  {{- with .Values.networkPolicy.egress.dnsTo }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- with .Values.networkPolicy.egress.extraRules }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
An Ingress to a component's Service (its port named http, or https when the component serves TLS: the controller
must then speak HTTPS to the backend; for the ingress-nginx class "nginx" the chart adds
nginx.ingress.kubernetes.io/backend-protocol: HTTPS, which ingress.annotations may override; other controllers need
their own annotation, see "TLS" in README.md).
Call with (dict "context" $ "component" "gateway" "name" "<fullname>-gateway" "values" .Values.gateway).
*/}}
{{- define "kv.ingress" -}}
{{- $root := .context -}}
{{- $ingress := .values.ingress -}}
{{- $annotations := dict -}}
{{- if and .values.tls.enabled (eq ($ingress.className | default "") "nginx") -}}
{{- $_ := set $annotations "nginx.ingress.kubernetes.io/backend-protocol" "HTTPS" -}}
{{- end -}}
{{- $annotations = merge (dict) ($ingress.annotations | default dict) $annotations -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .name }}
  namespace: {{ $root.Release.Namespace | quote }}
  labels:
    {{- include "kv.labels" (dict "context" $root "component" .component) | nindent 4 }}
  {{- with (include "kv.annotations" (dict "context" $root "extra" $annotations)) }}
  annotations:
    {{- . | nindent 4 }}
  {{- end }}
spec:
  {{- with $ingress.className }}
  ingressClassName: {{ . | quote }}
  {{- end }}
  {{- if $ingress.tls }}
  tls:
    - secretName: {{ $ingress.tlsSecret | default (printf "%s-tls" (default .name $ingress.host)) | quote }}
      {{- with $ingress.host }}
      hosts:
        - {{ . | quote }}
      {{- end }}
  {{- end }}
  rules:
    {{- if $ingress.host }}
    - host: {{ $ingress.host | quote }}
      http:
    {{- else }}
    - http:
    {{- end }}
        paths:
          - path: {{ $ingress.path | quote }}
            pathType: {{ $ingress.pathType }}
            backend:
              service:
                name: {{ .name }}
                port:
                  name: {{ include "kv.portName" .values }}
{{- end -}}
