sed -i -e "s/<name>s1</<name>s9</" -e "s/first/edited/" "$1"
