#@ argv "echo hi; help nosuch"
