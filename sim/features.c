/* The module's features, in the order their hooks run (feature.h). A new
 * feature is its own files plus one line in this list. */
#include "feature.h"

extern const struct sim_feature sim_feature_identity;    /* cmd_info.c */
extern const struct sim_feature sim_feature_interface;   /* cmd_general.c */
extern const struct sim_feature sim_feature_network;     /* cmd_network.c */
extern const struct sim_feature sim_feature_pdp;         /* pdp.c */
extern const struct sim_feature sim_feature_sockets;     /* cmd_socket.c */
extern const struct sim_feature sim_feature_update_urcs; /* cmd_fota.c */
extern const struct sim_feature sim_feature_download;    /* download.c */
extern const struct sim_feature sim_feature_ufwupd;      /* cmd_ufwupd.c */
extern const struct sim_feature sim_feature_fota_area;   /* fota.c */
extern const struct sim_feature sim_feature_udwnfile;    /* cmd_udwnfile.c */
extern const struct sim_feature sim_feature_files;       /* files.c */
extern const struct sim_feature sim_feature_installer;   /* installer.c */
extern const struct sim_feature sim_feature_ufwinstall;  /* cmd_ufwinstall.c */
extern const struct sim_feature sim_feature_netdl;       /* netdl.c */
extern const struct sim_feature sim_feature_ftp;         /* cmd_ftp.c */
extern const struct sim_feature sim_feature_http;        /* cmd_http.c */
extern const struct sim_feature sim_feature_coapdl;      /* lwm2m_coapdl.c */
extern const struct sim_feature sim_feature_ufota;       /* ufota.c */
extern const struct sim_feature sim_feature_lwm2m;       /* lwm2m.c */
extern const struct sim_feature sim_feature_lwm2m_at;    /* cmd_lwm2m.c */
extern const struct sim_feature sim_feature_flashmode;   /* flashmode.c */

const struct sim_feature *const sim_features[] = {
	&sim_feature_identity,
	&sim_feature_interface,
	&sim_feature_network,
	&sim_feature_pdp,
	&sim_feature_sockets,
	&sim_feature_update_urcs,
	&sim_feature_download,
	&sim_feature_ufwupd,
	&sim_feature_fota_area,
	&sim_feature_udwnfile,
	&sim_feature_files,
	&sim_feature_installer, /* after fota_area: its power-on cleanup has run */
	&sim_feature_ufwinstall,
	&sim_feature_netdl,
	&sim_feature_ftp,
	&sim_feature_http,
	&sim_feature_coapdl,
	&sim_feature_ufota,  /* after the installer: it may start a uFOTA install */
	&sim_feature_lwm2m,
	&sim_feature_lwm2m_at,
	&sim_feature_flashmode, /* last: the installer's power-on (install, brick) first */
	NULL,
};
