file(REMOVE_RECURSE
  "libsarafw.a"
)
