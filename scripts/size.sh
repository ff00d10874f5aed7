#!/bin/sh
# Build libsarafw for a Cortex-M4 (no OS, no heap) with the CMake toolchain
# file, print its size per object and in total, and link the typical
# application examples/tracker/ to print what a program really carries.
# Fails if the library needs anything beyond freestanding libc (no malloc,
# no stdio, no OS), or the application a heap. Objects carry both machine
# code and GCC's LTO form (-flto -ffat-lto-objects): the application is
# linked with link-time optimisation, the library's figures are its plain
# code.
set -eu
cd "$(dirname "$0")/.."
out=build-size
cmake -S . -B "$out" -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi-cortex-m4.cmake \
	-DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_C_FLAGS_MINSIZEREL="-Os -DNDEBUG -flto -ffat-lto-objects" \
	-DSARAFW_BUILD_TOOLS=OFF -DSARAFW_TESTS=OFF --no-warn-unused-cli >/dev/null
cmake --build "$out" -j "${JOBS:-2}" >/dev/null
lib="$out/libsarafw.a"
# The machine code's symbols, not those of the LTO form (which lack the
# calls code generation adds, memcpy and the like).
nm="arm-none-eabi-nm --target=elf32-littlearm"
objs() { sed -e 's/\.c\.obj/.o/' -e "s| (ex $1)||"; }

echo "libsarafw for Cortex-M4 (arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mthumb):"
arm-none-eabi-size -t "$lib" | objs "$lib"
echo "error.o without the +CME ERROR text table (-DSARAFW_CME_TEXT=0): $(arm-none-eabi-size "$out/examples/libsarafw_error_notext.a" | awk 'NR==2 {print $1}') bytes of .text"

# RAM the caller allocates for each object (buffers given in configs aside).
echo "caller-allocated objects (bytes of RAM):"
$nm -S --radix=d "$out/examples/libsarafw_objects.a" |
	awk '$4 ~ /^sizeof_/ { sub("sizeof_", "", $4); printf "  %-18s %d\n", $4, $2 + 0;
		if ($4 == "sarafw_dev" || $4 == "sarafw_foat") upd += $2 }
	     END { printf "  an update (device + FOAT engine + 128-byte line buffer + 32-byte XMODEM buffer): %d (target <= 512)\n", upd + 128 + 32 }'
echo "  buffers the caller gives: an AT line buffer (2 x (longest line + 1); 128 for sarafw's commands) and an XMODEM buffer (at least SARAFW_XMODEM_BUF_MIN, 32; 64 is a good size)"

# What the library needs from outside itself: only these are allowed.
allowed="memcpy memmove memset memcmp strlen strcmp strncmp strchr strrchr strstr strnlen __aeabi_uldivmod __aeabi_uidiv __aeabi_uidivmod __aeabi_idiv __aeabi_idivmod __aeabi_ldivmod __aeabi_memcpy __aeabi_memset __aeabi_memclr __aeabi_memmove"
defined=$($nm --defined-only "$lib" | awk 'NF==3 {print $3}' | sort -u)
bad=""
for sym in $($nm -u "$lib" | awk 'NF==2 && $1=="U" {print $2}' | sort -u); do
	case " $allowed " in *" $sym "*) continue ;; esac
	echo "$defined" | grep -qx "$sym" || bad="$bad $sym"
done
if [ -n "$bad" ]; then
	echo "size: libsarafw depends on symbols outside freestanding libc:$bad" >&2
	exit 1
fi
echo "external symbols: freestanding libc only"

# The typical application: probe, identify, FOAT, static buffers, linked
# with --gc-sections and -flto against newlib-nano without syscall stubs;
# and the same objects linked without -flto.
for elf in "$out/bin/tracker.elf" "$out/bin/tracker-nolto.elf" "$out/bin/tracker-notes.elf"; do
	heap=$(arm-none-eabi-nm "$elf" | awk '$3 ~ /^(_?malloc|_?free|_?calloc|_?realloc|_malloc_r|_free_r|_sbrk|_sbrk_r)$/ {print $3}')
	if [ -n "$heap" ]; then
		echo "size: $elf needs a heap:" $heap >&2
		exit 1
	fi
done
arm-none-eabi-size "$out/bin/tracker.elf" | awk -v app="examples/tracker" 'NR==2 {
	printf "%s (probe, identify, FOAT; Cortex-M4, --gc-sections, -flto, newlib-nano;\n", app
	printf "  libsarafw with -DSARAFW_TRACE_NOTES=0: the tracker sets no trace function):\n"
	printf "  .text %d  .data %d  .bss %d  total %d bytes\n", $1, $2, $3, $1 + $2 + $3
	printf "  flash %d bytes (target <= 8192), static RAM %d bytes (target <= 512), no heap\n", $1 + $2, $2 + $3
}'
arm-none-eabi-size "$out/bin/tracker-notes.elf" | awk 'NR==2 {
	printf "  with the notes for a trace function: flash %d bytes\n", $1 + $2
}'
arm-none-eabi-size "$out/bin/tracker-nolto.elf" | awk 'NR==2 {
	printf "  without -flto: flash %d bytes, static RAM %d bytes\n", $1 + $2, $2 + $3
}'
# Who the flash goes to, from the map of the link without -flto (-flto
# mixes them): the library, libc, the rest.
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
	who = $4 ~ /libsarafw(_nonotes)?\.a/ ? "libsarafw" : $4 ~ /libc_nano|libgcc/ ? "libc+libgcc" : "application"
	sum[who] += hex($3)
}
END { printf "  flash by origin (without -flto): libsarafw %d, libc+libgcc %d, application %d\n", sum["libsarafw"], sum["libc+libgcc"], sum["application"] }
' "$out/examples/tracker/tracker-nolto.map"
