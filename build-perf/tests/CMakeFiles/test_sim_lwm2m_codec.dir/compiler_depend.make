# Empty compiler generated dependencies file for test_sim_lwm2m_codec.
# This may be replaced when dependencies are built.
