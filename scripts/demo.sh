#!/bin/sh
# make demo: the main job on the built-in simulator. Starts sarafw-sim as a
# SARA-R422S, shows what sarafw sees, downloads a package by the path
# sarafw plans (+UDWNFILE at 3000000 b/s on the simulator's pseudo-terminal),
# and stops the simulator.
set -eu
bin=${1:-build/bin}
dir=$(mktemp -d /tmp/sarafw-demo.XXXXXX)
link="$dir/ttySARA"
scale=${SARAFW_TIME_SCALE:-20}
export SARAFW_TIME_SCALE=$scale
cleanup() {
	[ -n "${sim:-}" ] && kill "$sim" 2>/dev/null && wait "$sim" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

"$bin/sarafw-sim" --variant SARA-R422S --state "$dir/flash" --link "$link" \
	--time-scale "$scale" --audit "$dir/audit.jsonl" >"$dir/ready" &
sim=$!
for _ in $(seq 100); do
	grep -q '^ready ' "$dir/ready" 2>/dev/null && break
	sleep 0.1
done
grep -q '^ready ' "$dir/ready" || { echo "demo: the simulator did not start" >&2; exit 1; }

echo "== sarafw-sim: a virtual SARA-R422S on $link (time scale $scale)"
echo "== sarafw --port $link info"
"$bin/sarafw" --port "$link" info

if "$bin/sarafw" --help | grep -q '^  update'; then
	head -c 262144 /dev/urandom >"$dir/package.bin"
	echo
	echo "== sarafw --port $link update package.bin"
	"$bin/sarafw" --port "$link" update "$dir/package.bin"
	echo
	echo "== sarafw --port $link info (the line is back at 115200)"
	"$bin/sarafw" --port "$link" info | head -4
fi
if [ -s "$dir/audit.jsonl" ]; then
	echo "== host mistakes the simulator noticed:"
	cat "$dir/audit.jsonl"
else
	echo "== the simulator's audit found no host mistakes"
fi
