declare module "net-snmp";
