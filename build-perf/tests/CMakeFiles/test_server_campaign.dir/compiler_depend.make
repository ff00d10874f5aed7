# Empty compiler generated dependencies file for test_server_campaign.
# This may be replaced when dependencies are built.
