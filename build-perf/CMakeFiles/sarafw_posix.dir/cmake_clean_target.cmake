file(REMOVE_RECURSE
  "libsarafw_posix.a"
)
