file(REMOVE_RECURSE
  "libsarafw_simcore.a"
)
