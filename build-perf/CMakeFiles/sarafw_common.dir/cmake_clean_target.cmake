file(REMOVE_RECURSE
  "libsarafw_common.a"
)
