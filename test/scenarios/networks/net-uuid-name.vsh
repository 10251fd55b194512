# net-uuid looks up by name only, net-name by uuid only
net-uuid default
net-uuid dd8fe884-6c02-601e-7551-cca97df1c5df
net-uuid nope
net-name dd8fe884-6c02-601e-7551-cca97df1c5df
net-name DD8FE884-6C02-601E-7551-CCA97DF1C5DF
net-name " dd8fe884-6c02-601e-7551-cca97df1c5df"
net-name dd8fe884-6c02-601e-7551-cca97df1c5d0
net-name zzzzzzzz-6c02-601e-7551-cca97df1c5df
net-name dd8fe8846c02601e7551cca97df1c5df----
net-name dd8fe884-6c02601e7551cca97df1c5df--
net-name dd8fe8846c02601e7551cca97df1c5df
net-name default
net-name
net-uuid
