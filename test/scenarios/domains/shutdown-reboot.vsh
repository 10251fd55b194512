#@ args
# shutdown and reboot, with and without --mode
reboot test
reboot 1 --mode agent
reboot test --mode acpi,signal
reboot test --mode bar
reboot test --mode acpi,bar
reboot test --mode ,
reboot test --mode ""
shutdown test --mode foo
shutdown test --mode acpi
shutdown test --mode initctl,paravirt
shutdown test --mode
shutdown 1
domstate test --reason
shutdown test
reboot test
shutdown
reboot nosuch
