#!/bin/sh
# Build libsarafw for a Cortex-M4 (no OS, no heap) and print its size per
# object and in total. Fails if the library needs anything beyond
# freestanding libc (no malloc, no stdio, no OS).
set -eu
cd "$(dirname "$0")/.."
out=build-size
mkdir -p "$out"
CC=arm-none-eabi-gcc
CFLAGS="-std=c11 -Os -mcpu=cortex-m4 -mthumb -ffunction-sections -fdata-sections -Wall -Wextra -Werror -Iinclude"
objs=""
for src in lib/*.c; do
	obj="$out/$(basename "${src%.c}").o"
	$CC $CFLAGS -c "$src" -o "$obj"
	objs="$objs $obj"
done
arm-none-eabi-ar rcs "$out/libsarafw.a" $objs
echo "libsarafw for Cortex-M4 (arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mthumb):"
arm-none-eabi-size -t $objs | sed "s|$out/||"
$CC $CFLAGS -DSARAFW_CME_TEXT=0 -c lib/error.c -o "$out/error-notext.o"
echo "error.o without the +CME ERROR text table (-DSARAFW_CME_TEXT=0): $(arm-none-eabi-size "$out/error-notext.o" | awk 'NR==2 {print $1}') bytes of .text"
# RAM the caller allocates for each object (buffers given in configs aside).
cat >"$out/objects.c" <<'C'
#include "sarafw/dev.h"
#include "sarafw/xmodem.h"
sarafw_at sizeof_sarafw_at;
sarafw_dev sizeof_sarafw_dev;
sarafw_xmodem sizeof_sarafw_xmodem;
C
$CC $CFLAGS -fno-common -c "$out/objects.c" -o "$out/objects.o"
echo "caller-allocated objects (bytes of RAM):"
arm-none-eabi-nm -S --radix=d "$out/objects.o" | awk '$4 ~ /^sizeof_/ { sub("sizeof_", "", $4); printf "  %-16s %d\n", $4, $2 + 0 }'
echo "  plus the caller's buffers: an AT line buffer (256 is enough for sarafw's commands), 1029 bytes for XMODEM-1k blocks"
# What the library needs from outside itself: only these are allowed.
allowed="memcpy memmove memset memcmp strlen strcmp strncmp strchr strrchr strstr strnlen __aeabi_uldivmod __aeabi_uidiv __aeabi_uidivmod __aeabi_idiv __aeabi_idivmod __aeabi_ldivmod __aeabi_memcpy __aeabi_memset __aeabi_memclr __aeabi_memmove"
bad=""
for sym in $(arm-none-eabi-nm -u $objs | awk 'NF==2 && $1=="U" {print $2}' | sort -u); do
	case " $allowed " in *" $sym "*) ;; *) bad="$bad $sym" ;; esac
	defined=$(arm-none-eabi-nm --defined-only $objs | awk -v s="$sym" '$3==s' | head -1)
	[ -n "$defined" ] && bad=$(echo "$bad" | sed "s/ $sym\$//")
done
if [ -n "$bad" ]; then
	echo "size: libsarafw depends on symbols outside freestanding libc:$bad" >&2
	exit 1
fi
echo "external symbols: freestanding libc only"
