import DoudiServer
print("doudi")
