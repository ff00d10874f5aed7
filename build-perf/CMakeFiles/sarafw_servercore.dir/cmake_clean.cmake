file(REMOVE_RECURSE
  "CMakeFiles/sarafw_servercore.dir/server/campaign.c.o"
  "CMakeFiles/sarafw_servercore.dir/server/campaign.c.o.d"
  "CMakeFiles/sarafw_servercore.dir/server/cluster.c.o"
  "CMakeFiles/sarafw_servercore.dir/server/cluster.c.o.d"
  "CMakeFiles/sarafw_servercore.dir/server/db.c.o"
  "CMakeFiles/sarafw_servercore.dir/server/db.c.o.d"
  "CMakeFiles/sarafw_servercore.dir/server/db_cluster.c.o"
  "CMakeFiles/sarafw_servercore.dir/server/db_cluster.c.o.d"
  "CMakeFiles/sarafw_servercore.dir/server/db_pg.c.o"
  "CMakeFiles/sarafw_servercore.dir/server/db_pg.c.o.d"
  "CMakeFiles/sarafw_servercore.dir/server/db_sqlite.c.o"
  "CMakeFiles/sarafw_servercore.dir/server/db_sqlite.c.o.d"
  "CMakeFiles/sarafw_servercore.dir/server/hostport.c.o"
  "CMakeFiles/sarafw_servercore.dir/server/hostport.c.o.d"
  "CMakeFiles/sarafw_servercore.dir/server/httprange.c.o"
  "CMakeFiles/sarafw_servercore.dir/server/httprange.c.o.d"
  "CMakeFiles/sarafw_servercore.dir/server/linkformat.c.o"
  "CMakeFiles/sarafw_servercore.dir/server/linkformat.c.o.d"
  "CMakeFiles/sarafw_servercore.dir/server/lwm2m.c.o"
  "CMakeFiles/sarafw_servercore.dir/server/lwm2m.c.o.d"
  "CMakeFiles/sarafw_servercore.dir/server/rest.c.o"
  "CMakeFiles/sarafw_servercore.dir/server/rest.c.o.d"
  "CMakeFiles/sarafw_servercore.dir/server/routemsg.c.o"
  "CMakeFiles/sarafw_servercore.dir/server/routemsg.c.o.d"
  "CMakeFiles/sarafw_servercore.dir/server/web.c.o"
  "CMakeFiles/sarafw_servercore.dir/server/web.c.o.d"
  "CMakeFiles/sarafw_servercore.dir/web_assets.c.o"
  "CMakeFiles/sarafw_servercore.dir/web_assets.c.o.d"
  "libsarafw_servercore.a"
  "libsarafw_servercore.pdb"
  "web_assets.c"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/sarafw_servercore.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
