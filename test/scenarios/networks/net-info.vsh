#@ files networks/nobridge.xml
# net-info by name and uuid, without a bridge, and lookup errors
net-info default
net-info dd8fe884-6c02-601e-7551-cca97df1c5df
net-info DD8FE884-6C02-601E-7551-CCA97DF1C5DF
net-info --network default
net-info nope
net-info dd8fe884-6c02-601e-7551-cca97df1c5d0
net-info zzzzzzzz-6c02-601e-7551-cca97df1c5df
net-info
net-info --network
net-info default extra
net-define nobridge.xml
net-info Nobridge
net-start Nobridge
net-info Nobridge
net-autostart default
net-destroy default
net-info default
