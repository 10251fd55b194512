#@ mask \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}
# snapshot-delete: re-parenting, --children, --children-only
snapshot-create-as test a
snapshot-create-as test b
snapshot-create-as test c
snapshot-create-as test d
snapshot-revert test b
snapshot-create-as test e
snapshot-list test --tree
snapshot-delete test b
snapshot-list test --parent
snapshot-current test --name
snapshot-delete test --current
snapshot-current test --name
snapshot-list test --tree
snapshot-revert test c
snapshot-delete test a --children-only
snapshot-list test --tree
snapshot-current test --name
snapshot-create-as test f
snapshot-create-as test g
snapshot-delete test f --children
snapshot-current test --name
snapshot-list test --tree
snapshot-delete test a --metadata
snapshot-delete test a --children --children-only
snapshot-delete test
snapshot-delete test a --current
snapshot-delete test zz
snapshot-delete nope a
snapshot-delete test a
snapshot-list test
snapshot-current test
snapshot-delete test --current
snapshot-delete
