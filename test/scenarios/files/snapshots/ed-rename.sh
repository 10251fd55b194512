sed -i "s/<name>a</<name>c</" "$1"
