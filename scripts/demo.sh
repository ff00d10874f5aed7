#!/bin/sh
# make demo: the main job on the built-in simulator. A SARA-R422S runs
# firmware v1; sarafw builds a signed delta package from v1 to v2 (with
# the project's demo key, which the simulator trusts by default), sends it
# by the path it plans (+UDWNFILE at 3000000 b/s on the simulator's
# pseudo-terminal), installs it with progress (AT+UFWINSTALL, note §6.1)
# and checks the version the module reports afterwards (note §2.6.6).
set -eu
bin=${1:-build/bin}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/sarafw-demo.XXXXXX)
link="$dir/ttySARA"
scale=${SARAFW_TIME_SCALE:-20}
export SARAFW_TIME_SCALE=$scale
export SARAFW_STATE_DIR="$dir/host-state"
v1="00.12,A00.01"
v2="00.13,A00.01"
cleanup() {
	[ -n "${sim:-}" ] && kill "$sim" 2>/dev/null && wait "$sim" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# Two firmware images that differ as releases do: v2 is v1 with 4 KiB
# inserted in the middle (everything after it shifts) and a changed tail.
head -c 524288 /dev/urandom >"$dir/v1.bin"
{ head -c 262144 "$dir/v1.bin"; head -c 4096 /dev/urandom; tail -c +262145 "$dir/v1.bin" | head -c 258048
  head -c 2048 /dev/urandom; } >"$dir/v2.bin"

echo "== sarafw pkg create: a delta from $v1 to $v2, signed with the demo key"
"$bin/sarafw" pkg create --product SARA-R422S --key "$root/tests/keys/demo.key" \
	--from "$dir/v1.bin" --from-version "$v1" --to "$dir/v2.bin" --to-version "$v2" -o "$dir/update.pkg"
echo "   $(wc -c <"$dir/v2.bin") bytes of firmware in a package of $(wc -c <"$dir/update.pkg") bytes"

"$bin/sarafw-sim" --variant SARA-R422S --state "$dir/flash" --link "$link" \
	--firmware "$dir/v1.bin" --firmware-version "$v1" \
	--time-scale "$scale" --audit "$dir/audit.jsonl" >"$dir/ready" &
sim=$!
for _ in $(seq 100); do
	grep -q '^ready ' "$dir/ready" 2>/dev/null && break
	sleep 0.1
done
grep -q '^ready ' "$dir/ready" || { echo "demo: the simulator did not start" >&2; exit 1; }

echo
echo "== sarafw-sim: a virtual SARA-R422S on $link running $v1 (time scale $scale)"
echo "== sarafw --port $link info"
"$bin/sarafw" --port "$link" info

echo
echo "== sarafw --port $link update update.pkg --expect-version $v2"
"$bin/sarafw" --port "$link" update "$dir/update.pkg" --expect-version "$v2"

echo
echo "== sarafw --port $link info (new firmware, the line back at 115200)"
"$bin/sarafw" --port "$link" info | head -4
if [ -s "$dir/audit.jsonl" ]; then
	echo "== host mistakes the simulator noticed:"
	cat "$dir/audit.jsonl"
	exit 1
fi
echo "== the simulator's audit found no host mistakes"
