#!/bin/sh
# Build libsarafw for a Cortex-M4 (no OS, no heap) with the CMake toolchain
# file, print its size per object and in total, and link the typical
# application examples/tracker/ to print what a program really carries.
# Fails if the library needs anything beyond freestanding libc (no malloc,
# no stdio, no OS), or the application a heap.
set -eu
cd "$(dirname "$0")/.."
out=build-size
cmake -S . -B "$out" -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi-cortex-m4.cmake \
	-DCMAKE_BUILD_TYPE=MinSizeRel -DSARAFW_BUILD_TOOLS=OFF -DSARAFW_TESTS=OFF --no-warn-unused-cli >/dev/null
cmake --build "$out" -j "${JOBS:-2}" >/dev/null
lib="$out/libsarafw.a"
objs() { sed -e 's/\.c\.obj/.o/' -e "s| (ex $1)||"; }

echo "libsarafw for Cortex-M4 (arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mthumb):"
arm-none-eabi-size -t "$lib" | objs "$lib"
echo "error.o without the +CME ERROR text table (-DSARAFW_CME_TEXT=0): $(arm-none-eabi-size "$out/examples/libsarafw_error_notext.a" | awk 'NR==2 {print $1}') bytes of .text"

# RAM the caller allocates for each object (buffers given in configs aside).
echo "caller-allocated objects (bytes of RAM):"
arm-none-eabi-nm -S --radix=d "$out/examples/libsarafw_objects.a" |
	awk '$4 ~ /^sizeof_/ { sub("sizeof_", "", $4); printf "  %-18s %d\n", $4, $2 + 0 }'
echo "  plus the caller's buffers: an AT line buffer (longest line + 1; 256 is enough for sarafw's commands) and an XMODEM buffer (at least SARAFW_XMODEM_BUF_MIN, 32; 64 is a good size)"

# What the library needs from outside itself: only these are allowed.
allowed="memcpy memmove memset memcmp strlen strcmp strncmp strchr strrchr strstr strnlen __aeabi_uldivmod __aeabi_uidiv __aeabi_uidivmod __aeabi_idiv __aeabi_idivmod __aeabi_ldivmod __aeabi_memcpy __aeabi_memset __aeabi_memclr __aeabi_memmove"
defined=$(arm-none-eabi-nm --defined-only "$lib" | awk 'NF==3 {print $3}' | sort -u)
bad=""
for sym in $(arm-none-eabi-nm -u "$lib" | awk 'NF==2 && $1=="U" {print $2}' | sort -u); do
	case " $allowed " in *" $sym "*) continue ;; esac
	echo "$defined" | grep -qx "$sym" || bad="$bad $sym"
done
if [ -n "$bad" ]; then
	echo "size: libsarafw depends on symbols outside freestanding libc:$bad" >&2
	exit 1
fi
echo "external symbols: freestanding libc only"

# The typical application: probe, identify, FOAT, static buffers, linked
# with --gc-sections against newlib-nano without syscall stubs.
elf="$out/bin/tracker.elf"
heap=$(arm-none-eabi-nm "$elf" | awk '$3 ~ /^(_?malloc|_?free|_?calloc|_?realloc|_malloc_r|_free_r|_sbrk|_sbrk_r)$/ {print $3}')
if [ -n "$heap" ]; then
	echo "size: examples/tracker needs a heap:" $heap >&2
	exit 1
fi
arm-none-eabi-size "$elf" | awk -v app="examples/tracker" 'NR==2 {
	printf "%s (probe, identify, FOAT; Cortex-M4, --gc-sections, newlib-nano):\n", app
	printf "  .text %d  .data %d  .bss %d  total %d bytes\n", $1, $2, $3, $1 + $2 + $3
	printf "  flash %d bytes (target <= 8192), static RAM %d bytes (target <= 512), no heap\n", $1 + $2, $2 + $3
}'
# Who the flash goes to, from the link map: the library, libc, the rest.
awk '
function hex(s,   i, v) {
	v = 0
	for (i = 3; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
/^Linker script and memory map/ { map = 1 }
map && /^ \.(text|rodata|isr_vector|ARM\.exidx)/ {
	if (NF == 1) { getline rest; $0 = $0 " " rest }
	if ($3 !~ /^0x/) next
	who = $4 ~ /libsarafw\.a/ ? "libsarafw" : $4 ~ /libc_nano|libgcc/ ? "libc+libgcc" : "application"
	sum[who] += hex($3)
}
END { printf "  flash by origin: libsarafw %d, libc+libgcc %d, application %d\n", sum["libsarafw"], sum["libc+libgcc"], sum["application"] }
' "$out/examples/tracker/tracker.map"
