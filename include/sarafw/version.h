/* libsarafw: the version of these headers and of the library built from
 * them. CMakeLists.txt's project(VERSION) must say the same (it checks). */
#ifndef SARAFW_VERSION_H
#define SARAFW_VERSION_H

#define SARAFW_VERSION_MAJOR 0
#define SARAFW_VERSION_MINOR 1
#define SARAFW_VERSION_PATCH 0
#define SARAFW_VERSION_STRING "0.1.0"

/* One number to compare: 0xMMmmpp. */
#define SARAFW_VERSION_NUMBER \
	((SARAFW_VERSION_MAJOR << 16) | (SARAFW_VERSION_MINOR << 8) | SARAFW_VERSION_PATCH)

#endif
