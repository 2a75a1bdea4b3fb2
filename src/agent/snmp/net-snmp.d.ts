declare module "net-snmp";
declare module "asn1-ber";
