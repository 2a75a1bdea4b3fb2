/**
 * LEDM pages of two simulated HP devices: an office colour laser MFP and a
 * DesignJet large-format printer. The document shapes follow public
 * captures (see PROVENANCE.md); every value, serial and part number here is
 * made up. The traps real pages hold are kept on purpose: a consumable's
 * PreviousCartridgeData repeats ProductNumber and SerialNumber, the
 * ConsumableStateAvailableActions block repeats ConsumableState, and
 * A4EquivalentImpressions and ConsumableSubunit repeat TotalImpressions.
 */

/** The pages one device serves under /DevMgmt/, plus its web identity. */
export interface LedmDevice {
  title: string;
  server: string;
  productConfig: string;
  consumables: string;
  usage: string;
}

const HEAD = `<?xml version="1.0" encoding="UTF-8"?>\n<!-- THIS DATA SUBJECT TO DISCLAIMER(S) INCLUDED WITH THE PRODUCT OF ORIGIN. -->\n`;
const DD = `xmlns:dd="http://www.hp.com/schemas/imaging/con/dictionaries/1.0/"`;
const DD2 = `xmlns:dd2="http://www.hp.com/schemas/imaging/con/dictionaries/2008/10/10"`;

function productConfig(model: string, serial: string, revision: string): string {
  return `${HEAD}<prdcfgdyn2:ProductConfigDyn ${DD} xmlns:prdcfgdyn="http://www.hp.com/schemas/imaging/con/ledm/productconfigdyn/2007/11/05" xmlns:prdcfgdyn2="http://www.hp.com/schemas/imaging/con/ledm/productconfigdyn/2009/03/16">
  <dd:Version><dd:Revision>SVN-IPG-LEDM.783</dd:Revision></dd:Version>
  <prdcfgdyn:ProductInformation>
    <dd:Version><dd:Revision>${revision}</dd:Revision><dd:Date>2025-02-05</dd:Date></dd:Version>
    <dd:MakeAndModel>${model}</dd:MakeAndModel>
    <dd:SerialNumber>${serial}</dd:SerialNumber>
    <dd:ProductNumber>W1A80A</dd:ProductNumber>
    <dd:DuplexUnit>Installed</dd:DuplexUnit>
  </prdcfgdyn:ProductInformation>
  <prdcfgdyn2:ProductSettings><dd:FriendlyName>Front office</dd:FriendlyName></prdcfgdyn2:ProductSettings>
</prdcfgdyn2:ProductConfigDyn>`;
}

interface Cartridge {
  label: string;
  type: string;
  percent?: number;
  state: string;
  product: string;
  serial: string;
}

function consumableInfo(c: Cartridge): string {
  const percent = c.percent === undefined ? "" : `\n    <dd:ConsumablePercentageLevelRemaining>${c.percent}</dd:ConsumablePercentageLevelRemaining>`;
  return `  <ccdyn:ConsumableInfo>
    <dd:Capacity><dd:MaxCapacity>31</dd:MaxCapacity><dd:Unit>100ImpressionsAt5PercentCoverage</dd:Unit></dd:Capacity>
    <dd:ConsumableLabelCode>${c.label}</dd:ConsumableLabelCode>
    <dd:ConsumableLifeState><dd:ConsumableState>${c.state}</dd:ConsumableState><dd:MeasuredQuantityState>ok</dd:MeasuredQuantityState><dd:Brand>HP</dd:Brand></dd:ConsumableLifeState>
    <dd:ConsumableStateAvailableActions><dd:ConsumableState>newGenuineHP</dd:ConsumableState><dd:DefaultAction>acknowledge</dd:DefaultAction></dd:ConsumableStateAvailableActions>${percent}
    <dd:ConsumableSelectibilityNumber>999X</dd:ConsumableSelectibilityNumber>
    <dd:ConsumableStation>0</dd:ConsumableStation>
    <dd:ConsumableTypeEnum>${c.type}</dd:ConsumableTypeEnum>
    <dd:ProductNumber>${c.product}</dd:ProductNumber>
    <dd:SerialNumber>${c.serial}</dd:SerialNumber>
    <ccdyn:PreviousCartridgeData><dd:ProductNumber>OLD-${c.product}</dd:ProductNumber><dd:SerialNumber>OLD-${c.serial}</dd:SerialNumber></ccdyn:PreviousCartridgeData>
  </ccdyn:ConsumableInfo>`;
}

function consumables(list: Cartridge[]): string {
  return `${HEAD}<ccdyn:ConsumableConfigDyn ${DD} xmlns:ccdyn="http://www.hp.com/schemas/imaging/con/ledm/consumableconfigdyn/2007/11/19">
  <dd:Version><dd:Revision>SVN-IPG-LEDM.1103</dd:Revision></dd:Version>
  <ccdyn:ProductConsumableInfo><dd:NumOfUserReplaceableConsumables>${list.length}</dd:NumOfUserReplaceableConsumables></ccdyn:ProductConsumableInfo>
${list.map(consumableInfo).join("\n")}
</ccdyn:ConsumableConfigDyn>`;
}

const USAGE_OPEN = `${HEAD}<pudyn:ProductUsageDyn ${DD} ${DD2} xmlns:pudyn="http://www.hp.com/schemas/imaging/con/ledm/productusagedyn/2007/12/11">
  <dd:Version><dd:Revision>SVN-IPG-LEDM.977</dd:Revision></dd:Version>`;

/** The office MFP: four toners, impressions, duplex sheets and jams. */
export const OFFICE_MFP = {
  model: "HP Color LaserJet Pro MFP M479fdw",
  serial: "SIM0MFP001",
  firmware: "002.2504A",
  cartridges: [
    { label: "K", type: "toner", percent: 62, state: "ok", product: "W2030X", serial: "SIM-K-0001" },
    { label: "C", type: "toner", percent: 8, state: "low", product: "W2031X", serial: "SIM-C-0001" },
    { label: "M", type: "toner", percent: 0, state: "out", product: "W2033X", serial: "SIM-M-0001" },
    { label: "Y", type: "toner", percent: 100, state: "ok", product: "W2032X", serial: "SIM-Y-0001" },
  ] as Cartridge[],
  counters: { total: 48213, mono: 30117, color: 18096, duplexSheets: 9120, jams: 14 },
};

/** The DesignJet: four inks, a printhead without a level, pages, ink used, area and length printed. */
export const DESIGNJET = {
  model: "HP DesignJet T830 MFP",
  serial: "SIM0DJ0002",
  firmware: "GUS_01_23_45.1",
  cartridges: [
    { label: "MK", type: "ink", percent: 35, state: "ok", product: "F9J68A", serial: "SIM-MK-0002" },
    { label: "C", type: "ink", percent: 71, state: "ok", product: "F9J63A", serial: "SIM-C-0002" },
    { label: "M", type: "ink", percent: 5, state: "veryLow", product: "F9J64A", serial: "SIM-M-0002" },
    { label: "Y", type: "ink", percent: 88, state: "ok", product: "F9J65A", serial: "SIM-Y-0002" },
    { label: "CMYK", type: "printhead", state: "ok", product: "F9J81A", serial: "SIM-PH-0002" },
  ] as Cartridge[],
  counters: { total: 2841, mono: 1210, color: 1631, inkMl: "1234.5", areaM2: "1523.25", lengthM: 2417 },
};

function officeUsage(): string {
  const c = OFFICE_MFP.counters;
  return `${USAGE_OPEN}
  <pudyn:PrinterSubunit>
    <dd:TotalImpressions PEID="5082">${c.total}</dd:TotalImpressions>
    <dd:MonochromeImpressions>${c.mono}</dd:MonochromeImpressions>
    <dd:ColorImpressions>${c.color}</dd:ColorImpressions>
    <dd:A4EquivalentImpressions><dd:TotalImpressions>99999</dd:TotalImpressions><dd:MonochromeImpressions>77777</dd:MonochromeImpressions></dd:A4EquivalentImpressions>
    <dd:SimplexSheets>29973</dd:SimplexSheets>
    <dd:DuplexSheets PEID="5088">${c.duplexSheets}</dd:DuplexSheets>
    <dd:JamEvents PEID="16076">${c.jams}</dd:JamEvents>
    <dd:MispickEvents>3</dd:MispickEvents>
  </pudyn:PrinterSubunit>
  <pudyn:ConsumableSubunit>
    <pudyn:Consumable><dd:MarkerColor>Black</dd:MarkerColor><dd:ConsumableTypeEnum>toner</dd:ConsumableTypeEnum><dd:TotalImpressions>5120</dd:TotalImpressions></pudyn:Consumable>
  </pudyn:ConsumableSubunit>
</pudyn:ProductUsageDyn>`;
}

function designjetUsage(): string {
  const c = DESIGNJET.counters;
  return `${USAGE_OPEN}
  <pudyn:PrinterSubunit>
    <dd:TotalImpressions PEID="5082">${c.total}</dd:TotalImpressions>
    <dd:MonochromeImpressions>${c.mono}</dd:MonochromeImpressions>
    <dd:ColorImpressions>${c.color}</dd:ColorImpressions>
    <pudyn:UsageByMarkingAgent>
      <dd2:CumulativeMarkingAgentUsed PEID="64100"><dd:ValueFloat>${c.inkMl}</dd:ValueFloat><dd:Unit>milliliters</dd:Unit></dd2:CumulativeMarkingAgentUsed>
    </pudyn:UsageByMarkingAgent>
    <pudyn:TotalMediaArea><dd:ValueFloat>${c.areaM2}</dd:ValueFloat><dd:Unit>squareMeters</dd:Unit></pudyn:TotalMediaArea>
    <pudyn:TotalMediaLength><dd:ValueFloat>${c.lengthM}</dd:ValueFloat><dd:Unit>meters</dd:Unit></pudyn:TotalMediaLength>
  </pudyn:PrinterSubunit>
  <pudyn:ConsumableSubunit>
    <pudyn:Consumable><dd:MarkerColor>Cyan</dd:MarkerColor><dd:ConsumableTypeEnum>ink</dd:ConsumableTypeEnum>
      <dd2:CumulativeMarkingAgentUsed><dd:ValueFloat>300</dd:ValueFloat><dd:Unit>milliliters</dd:Unit></dd2:CumulativeMarkingAgentUsed></pudyn:Consumable>
  </pudyn:ConsumableSubunit>
</pudyn:ProductUsageDyn>`;
}

/** The office MFP's pages and web identity. */
export function officeMfp(): LedmDevice {
  return {
    title: `${OFFICE_MFP.model} &#8211; Embedded Web Server`,
    server: `HP HTTP Server; ${OFFICE_MFP.model} - W1A80A; Serial Number: ${OFFICE_MFP.serial}; Built: Wed Feb 05, 2025 03:11:20PM {${OFFICE_MFP.firmware}}`,
    productConfig: productConfig(OFFICE_MFP.model, OFFICE_MFP.serial, OFFICE_MFP.firmware),
    consumables: consumables(OFFICE_MFP.cartridges),
    usage: officeUsage(),
  };
}

/** The DesignJet's pages and web identity. */
export function designJet(): LedmDevice {
  return {
    title: `${DESIGNJET.model}`,
    server: `HP HTTP Server; ${DESIGNJET.model} - F9A30A; Serial Number: ${DESIGNJET.serial}`,
    productConfig: productConfig(DESIGNJET.model, DESIGNJET.serial, DESIGNJET.firmware),
    consumables: consumables(DESIGNJET.cartridges),
    usage: designjetUsage(),
  };
}

/** Hostile LEDM pages: unterminated, an entity bomb behind a DOCTYPE, and a runaway nesting. */
export const MALFORMED_LEDM = {
  productConfig: `${HEAD}<prdcfgdyn2:ProductConfigDyn ${DD}><prdcfgdyn:ProductInformation><dd:MakeAndModel>HP Broken`,
  consumables: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><ccdyn:ConsumableConfigDyn>&lol2;</ccdyn:ConsumableConfigDyn>`,
  usage: `<pudyn:ProductUsageDyn>${"<a>".repeat(5000)}${"</a>".repeat(5000)}</pudyn:ProductUsageDyn>`,
};
