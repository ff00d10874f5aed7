file(REMOVE_RECURSE
  "libsarafw_servercore.a"
)
