/* One of each object a libsarafw caller allocates, for scripts/size.sh
 * to read their sizes from the symbol table. */
#include "sarafw/dev.h"
#include "sarafw/foat.h"
#include "sarafw/install.h"
#include "sarafw/net.h"
#include "sarafw/persist.h"
#include "sarafw/probe.h"
#include "sarafw/rate.h"
#include "sarafw/udwnfile.h"
#include "sarafw/xmodem.h"

sarafw_at sizeof_sarafw_at;
sarafw_dev sizeof_sarafw_dev;
sarafw_xmodem sizeof_sarafw_xmodem;
sarafw_ident sizeof_sarafw_ident;
sarafw_foat_config sizeof_sarafw_foat_config;
sarafw_foat sizeof_sarafw_foat;
sarafw_prober sizeof_sarafw_prober;
sarafw_identifier sizeof_sarafw_identifier;
sarafw_udwn sizeof_sarafw_udwn;
sarafw_udwn_config sizeof_sarafw_udwn_config;
sarafw_rdfile sizeof_sarafw_rdfile;
sarafw_rate sizeof_sarafw_rate;
sarafw_installer sizeof_sarafw_installer;
sarafw_install_config sizeof_sarafw_install_config;
sarafw_netdl sizeof_sarafw_netdl;
sarafw_ftp_config sizeof_sarafw_ftp_config;
sarafw_http_config sizeof_sarafw_http_config;
sarafw_net_result sizeof_sarafw_net_result;
sarafw_persist sizeof_sarafw_persist;
