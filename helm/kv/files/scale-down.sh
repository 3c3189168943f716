# The scale-down hook (pre-upgrade, pre-rollback): before the node StatefulSet shrinks to REPLICAS pods, every member
# <NODE_PREFIX><i> with i >= REPLICAS is handed over, one at a time, highest ordinal first (the pods the StatefulSet
# deletes): decommissioned when it is normal and alive, removed when gossip judges it down, and awaited until it has
# left (or is removed). A member already leaving (an earlier run that timed out) is only awaited, so a rerun resumes.
# Exits 0 when nothing is left to hand over; non-zero (and the upgrade stops, the StatefulSet unchanged) when a change
# is refused or does not finish within TIMEOUT_SECONDS.
#
# POSIX sh, curl and awk only (the curl image has no jq). Environment: GATEWAY_URL (the gateway Service), NODE_PREFIX
# (<fullname>-node-), REPLICAS (the new node.replicaCount), TIMEOUT_SECONDS (per member), POLL_SECONDS,
# KV_CLUSTER_SECRET_FILE, the chart's Secret mounted as a file, and GATEWAY_CA_FILE when the gateway serves https: the
# CA that signed its certificate (curl --cacert). The secret file holds one or more values separated by commas or
# newlines (several while the secret is rotated): the first is sent, as the services do. It is read again for every
# call, so a rotation step taken meanwhile is followed, and the value goes to curl in a header file, never on a command
# line. Every call carries it, the cluster view's GET too: with client authentication on, the gateway takes it as an
# admin's credential on every path.
set -eu
umask 077
WORK="${TMPDIR:-/tmp}"
POLL_SECONDS="${POLL_SECONDS:-5}"

# Flattens one JSON document into lines "path=value": members[0].id=kv-node-0, transition.kind=join,
# transition=null. The same program as in the repository's ./kv launcher.
# shellcheck disable=SC2016
FLATTEN='
{ text = text $0 "\n" }
END { n = length(text); pos = 1; value("") }
function skip() { while (pos <= n && index(" \t\r\n", substr(text, pos, 1)) > 0) pos++ }
function value(path,   c, start) {
  skip(); c = substr(text, pos, 1)
  if (c == "{") members(path)
  else if (c == "[") elements(path)
  else if (c == "\"") print path "=" string()
  else {
    start = pos
    while (pos <= n && index(",}] \t\r\n", substr(text, pos, 1)) == 0) pos++
    print path "=" substr(text, start, pos - start)
  }
}
function members(path,   key, c) {
  pos++; skip()
  if (substr(text, pos, 1) == "}") { pos++; return }
  while (pos <= n) {
    skip(); key = string(); skip(); pos++
    value(path == "" ? key : path "." key)
    skip(); c = substr(text, pos, 1); pos++
    if (c != ",") return
  }
}
function elements(path,   i, c) {
  pos++; skip()
  if (substr(text, pos, 1) == "]") { pos++; return }
  for (i = 0; pos <= n; i++) {
    value(path "[" i "]")
    skip(); c = substr(text, pos, 1); pos++
    if (c != ",") return
  }
}
function string(   out, c) {
  pos++; out = ""
  while (pos <= n) {
    c = substr(text, pos, 1); pos++
    if (c == "\"") return out
    if (c == "\\") {
      c = substr(text, pos, 1); pos++
      if (c == "u") { c = "?"; pos += 4 }
      else if (c == "n" || c == "t" || c == "r") c = " "
      else if (c == "b" || c == "f") c = ""
    }
    out = out c
  }
  return out
}'

log() {
  echo "$(date -u +%H:%M:%S) $*"
}

fail() {
  echo "$(date -u +%H:%M:%S) FAILED: $*" >&2
  echo "The StatefulSet was not shrunk. Fix the cause and run the upgrade again: this step resumes where it stopped." >&2
  exit 1
}

first_secret() { # -> the first value in KV_CLUSTER_SECRET_FILE (values separated by commas or newlines), or nothing
  awk '{
    n = split($0, values, ",")
    for (i = 1; i <= n; i++) {
      value = values[i]
      gsub(/[ \t\r]/, "", value)
      if (value != "") { print value; exit }
    }
  }' "$KV_CLUSTER_SECRET_FILE"
}

secret_header() { # writes $WORK/secret-header from the secret file as it is now (before every call)
  secret="$(first_secret)" || fail "cannot read the cluster secret file $KV_CLUSTER_SECRET_FILE"
  [ -n "$secret" ] || fail "the cluster secret file $KV_CLUSTER_SECRET_FILE holds no value"
  # The secret reaches curl through a file that a heredoc writes (no command line carries it).
  cat > "$WORK/secret-header" <<EOF
X-KV-Cluster-Secret: ${secret}
EOF
}

secret_header

if [ -n "${GATEWAY_CA_FILE:-}" ] && [ ! -s "$GATEWAY_CA_FILE" ]; then
  fail "no CA certificate at $GATEWAY_CA_FILE to check the https gateway $GATEWAY_URL with: the key ca.crt of gateway.tls.caSecret, or of the gateway's TLS Secret, is missing"
fi

gateway_curl() { # curl to the gateway: with the gateway's CA when it serves https, and the cluster secret's header
  if [ -n "${GATEWAY_CA_FILE:-}" ]; then
    set -- --cacert "$GATEWAY_CA_FILE" "$@"
  fi
  curl -H "@$WORK/secret-header" "$@"
}

read_view() { # -> 0 when GET /v1/cluster answered; the flattened view is then in $WORK/view
  secret_header
  gateway_curl -fsS --max-time 10 "$GATEWAY_URL/v1/cluster" > "$WORK/view.json" 2> "$WORK/view.err" || return 1
  awk "$FLATTEN" "$WORK/view.json" > "$WORK/view"
}

view_value() { # key -> its value in the view
  awk -v key="$1" 'index($0, key "=") == 1 { print substr($0, length(key) + 2); exit }' "$WORK/view"
}

member_field() { # id field -> that field of the member, empty when it is not a member
  awk -v id="$1" -v field="$2" '
    { eq = index($0, "="); key = substr($0, 1, eq - 1); values[key] = substr($0, eq + 1) }
    key ~ /^members\[[0-9]+\]\.id$/ && values[key] == id { member = substr(key, 1, length(key) - 3) }
    END { if (member != "" && (member "." field) in values) print values[member "." field] }' "$WORK/view"
}

transition() { # -> "decommission of kv-node-4: ranges 3/64, 812.3 MB, 31.9 MB/s, ETA 95s", empty when none
  awk '
    { eq = index($0, "="); v[substr($0, 1, eq - 1)] = substr($0, eq + 1) }
    END {
      if (!("transition.kind" in v)) exit
      eta = v["transition.etaSeconds"]
      printf "%s of %s: ranges %d/%d, %d keys, %.1f MB, %.1f MB/s, ETA %s\n", v["transition.kind"],
        v["transition.member"], v["transition.rangesDone"], v["transition.rangesTotal"], v["transition.keys"],
        v["transition.bytes"] / 1048576, v["transition.bytesPerSecond"] / 1048576,
        (eta == "" || eta == "null") ? "unknown" : eta "s"
    }' "$WORK/view"
}

beyond() { # -> the members <NODE_PREFIX><i> with i >= REPLICAS, highest ordinal first
  awk -v prefix="$NODE_PREFIX" -v keep="$REPLICAS" '
    { eq = index($0, "="); key = substr($0, 1, eq - 1); id = substr($0, eq + 1) }
    key ~ /^members\[[0-9]+\]\.id$/ && index(id, prefix) == 1 {
      ordinal = substr(id, length(prefix) + 1)
      if (ordinal ~ /^[0-9]+$/ && ordinal + 0 >= keep + 0) print ordinal, id
    }' "$WORK/view" | sort -rn | cut -d ' ' -f 2
}

post() { # path -> HTTP status on stdout (000 when the gateway did not answer); the body in $WORK/answer
  : > "$WORK/answer"
  gateway_curl -sS --max-time 30 -o "$WORK/answer" -w '%{http_code}' -X POST "$GATEWAY_URL$1" \
    2> "$WORK/post.err" || true
}

answer_value() { # key -> its value in the last POST's JSON answer
  awk "$FLATTEN" "$WORK/answer" 2> /dev/null |
    awk -v key="$1" 'index($0, key "=") == 1 { print substr($0, length(key) + 2); exit }'
}

hand_over() { # id: decommission (or remove) it and wait until it has left (or is removed)
  id="$1"
  asked=""
  state=""
  deadline=$(( $(date +%s) + TIMEOUT_SECONDS ))
  while :; do
    if read_view; then
      just_asked=""
      state="$(member_field "$id" state)"
      liveness="$(member_field "$id" status)"
      case "$state" in
        left | removed | "")
          log "$id: ${state:-no longer a member}"
          return 0 ;;
        normal)
          other="$(view_value transition.member)"
          if [ -z "$asked" ] && [ -n "$other" ] && [ "$other" != "$id" ]; then
            : # another change is under way: the cluster makes one at a time, so ask once it is done
          elif [ -z "$asked" ]; then
            if [ "$liveness" = down ]; then operation=remove; else operation=decommission; fi
            secret_header
            code="$(post "/admin/v1/nodes/$id/$operation")"
            case "$code" in
              2??)
                asked="$operation"
                just_asked=yes
                log "$id: $operation accepted (topology $(answer_value topologyVersion))" ;;
              409)
                # Refused: because another change has just begun (then ask again once it is done), or for good.
                under_way=""
                if read_view; then under_way="$(transition)"; fi
                if [ -z "$under_way" ]; then
                  fail "$operation of $id refused (HTTP 409): $(answer_value detail)"
                fi
                log "$id: another change comes first ($(answer_value detail))" ;;
              *)
                fail "$operation of $id: HTTP $code from $GATEWAY_URL: $(answer_value detail)$(cat "$WORK/post.err")" ;;
            esac
          fi ;;
      esac
      if [ -z "$just_asked" ]; then
        under_way="$(transition)"
        log "$id: $state${liveness:+ ($liveness)}${under_way:+  $under_way}"
      fi
    else
      log "the gateway $GATEWAY_URL does not answer ($(cat "$WORK/view.err")); retrying"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      fail "$id is still ${state:-unknown} after ${TIMEOUT_SECONDS}s (scaleDown.timeout); it goes on in the cluster"
    fi
    sleep "$POLL_SECONDS"
  done
}

attempt=0
until read_view; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    fail "cannot read $GATEWAY_URL/v1/cluster: $(cat "$WORK/view.err"). (scaleDown.enabled=false upgrades without this step; pods beyond node.replicaCount then go without handing over their ranges. An upgrade that turns gateway.tls on or off must run so, or with --no-hooks: this step reaches the gateways as they run before the upgrade)"
  fi
  sleep "$POLL_SECONDS"
done
members=""
for member in $(beyond); do
  case "$(member_field "$member" state)" in
    left | removed) ;;
    *) members="$members $member" ;;
  esac
done
if [ -z "$members" ]; then
  log "no member at or beyond ${NODE_PREFIX}${REPLICAS} holds ranges: nothing to hand over"
  exit 0
fi
log "handing over, one at a time, before the StatefulSet shrinks to $REPLICAS pods:$members"
for member in $members; do
  hand_over "$member"
done
log "every member beyond ${NODE_PREFIX}$((REPLICAS - 1)) has left: the StatefulSet may shrink"
