# Empty compiler generated dependencies file for lwm2m_load.
# This may be replaced when dependencies are built.
