#@ files storage/pool.xml
# pool-define, -create, -build, -start, -destroy, -delete, -undefine,
# -autostart and -refresh, with state errors
pool-define pool.xml
pool-define pool.xml --validate
pool-define nosuch.xml
pool-define
pool-create pool.xml
pool-create nosuch.xml
pool-create pool.xml --build
pool-create pool.xml --overwrite --no-overwrite
pool-build d
pool-build d --overwrite
pool-build d --no-overwrite
pool-build d --overwrite --no-overwrite
pool-start d --build
pool-start d --overwrite --no-overwrite
pool-start d
pool-start d
pool-build d
pool-refresh d
pool-autostart d
pool-info d
pool-autostart d --disable
pool-autostart 940fb0a4-a616-4247-9a2e-c87545fa0a6a
pool-delete d
pool-undefine d
pool-destroy d
pool-destroy d
pool-refresh d
pool-delete d
pool-start 940fb0a4-a616-4247-9a2e-c87545fa0a6a
pool-destroy 940fb0a4-a616-4247-9a2e-c87545fa0a6a
pool-undefine 940fb0a4-a616-4247-9a2e-c87545fa0a6a
pool-undefine d
pool-list --all
pool-create pool.xml
pool-list --all --details
pool-autostart d
pool-destroy d
pool-list --all
pool-start nosuch
pool-destroy nosuch
pool-delete nosuch
pool-undefine nosuch
pool-refresh nosuch
pool-autostart nosuch
pool-build nosuch
