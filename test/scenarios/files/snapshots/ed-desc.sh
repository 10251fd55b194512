sed -i "s/<description>x</<description>y</" "$1"
