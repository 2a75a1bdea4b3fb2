/**
 * Enumeration names from the Printer-MIB (RFC 3805, IANA-PRINTER-MIB) and
 * HOST-RESOURCES-MIB (RFC 2790), as data. An unknown number becomes
 * "unknown(N)" so nothing a device says is lost.
 */

const table = (pairs: Record<number, string>) => (n: number | undefined): string =>
  n === undefined ? "" : (pairs[n] ?? `unknown(${n})`);

export const hrPrinterStatusName = table({ 1: "other", 2: "unknown", 3: "idle", 4: "printing", 5: "warmup" });
export const hrDeviceStatusName = table({ 1: "unknown", 2: "running", 3: "warning", 4: "testing", 5: "down" });

/** hrPrinterDetectedErrorState bits; bit 0 is the most significant bit of the first octet. */
export const DETECTED_ERROR_BITS = [
  "lowPaper", "noPaper", "lowToner", "noToner", "doorOpen", "jammed", "offline", "serviceRequested",
  "inputTrayMissing", "outputTrayMissing", "markerSupplyMissing", "outputNearFull", "outputFull",
  "inputTrayEmpty", "overduePreventMaint",
] as const;

export const alertSeverityName = table({ 1: "other", 3: "critical", 4: "warning", 5: "warningBinaryChangeEvent" });
export const alertTrainingName = table({
  1: "other", 2: "unknown", 3: "untrained", 4: "trained", 5: "fieldService", 6: "management", 7: "noInterventionRequired",
});
export const alertGroupName = table({
  1: "other", 3: "hostResourcesMIBStorageTable", 4: "hostResourcesMIBDeviceTable", 5: "generalPrinter", 6: "cover",
  7: "localization", 8: "input", 9: "output", 10: "marker", 11: "markerSupplies", 12: "markerColorant", 13: "mediaPath",
  14: "channel", 15: "interpreter", 16: "consoleDisplayBuffer", 17: "consoleLights", 18: "alert", 30: "finDevice",
  31: "finSupply", 32: "finSupplyMediaInput", 33: "finAttribute",
});
export const alertCodeName = table({
  1: "other", 2: "unknown", 3: "coverOpen", 4: "coverClosed", 5: "interlockOpen", 6: "interlockClosed",
  7: "configurationChange", 8: "jam", 9: "subunitMissing", 10: "subunitLifeAlmostOver", 11: "subunitLifeOver",
  12: "subunitAlmostEmpty", 13: "subunitEmpty", 14: "subunitAlmostFull", 15: "subunitFull", 16: "subunitNearLimit",
  17: "subunitAtLimit", 18: "subunitOpened", 19: "subunitClosed", 20: "subunitTurnedOn", 21: "subunitTurnedOff",
  22: "subunitOffline", 23: "subunitPowerSaver", 24: "subunitWarmingUp", 25: "subunitAdded", 26: "subunitRemoved",
  27: "subunitResourceAdded", 28: "subunitResourceRemoved", 29: "subunitRecoverableFailure",
  30: "subunitUnrecoverableFailure", 31: "subunitRecoverableStorageError", 32: "subunitUnrecoverableStorageError",
  33: "subunitMotorFailure", 34: "subunitMemoryExhausted", 35: "subunitUnderTemperature", 36: "subunitOverTemperature",
  37: "subunitTimingFailure", 38: "subunitThermistorFailure", 501: "doorOpen", 502: "doorClosed", 503: "poweredUp",
  504: "poweredDown", 505: "printerNMSReset", 506: "printerManualReset", 507: "printerReadyToPrint",
  801: "inputMediaTrayMissing", 802: "inputMediaSizeChange", 803: "inputMediaWeightChange", 804: "inputMediaTypeChange",
  805: "inputMediaColorChange", 806: "inputMediaFormPartsChange", 807: "inputMediaSupplyLow", 808: "inputMediaSupplyEmpty",
  809: "inputManualInputRequest", 810: "inputTrayPositionFailure", 811: "inputTrayElevationFailure",
  812: "inputCannotFeedSizeSelected", 901: "outputMediaTrayMissing", 902: "outputMediaTrayAlmostFull",
  903: "outputMediaTrayFull", 904: "outputMailboxSelectFailure", 1001: "markerFuserUnderTemperature",
  1002: "markerFuserOverTemperature", 1003: "markerFuserTimingFailure", 1004: "markerFuserThermistorFailure",
  1005: "markerAdjustingPrintQuality", 1101: "markerTonerEmpty", 1102: "markerInkEmpty", 1103: "markerPrintRibbonEmpty",
  1104: "markerTonerAlmostEmpty", 1105: "markerInkAlmostEmpty", 1106: "markerPrintRibbonAlmostEmpty",
  1107: "markerWasteTonerReceptacleAlmostFull", 1108: "markerWasteInkReceptacleAlmostFull",
  1109: "markerWasteTonerReceptacleFull", 1110: "markerWasteInkReceptacleFull", 1111: "markerOpcLifeAlmostOver",
  1112: "markerOpcLifeOver", 1113: "markerDeveloperAlmostEmpty", 1114: "markerDeveloperEmpty",
  1115: "markerTonerCartridgeMissing", 1301: "mediaPathMediaTrayMissing", 1302: "mediaPathMediaTrayAlmostFull",
  1303: "mediaPathMediaTrayFull", 1304: "mediaPathCannotDuplexMediaSelected", 1501: "interpreterMemoryIncrease",
  1502: "interpreterMemoryDecrease", 1503: "interpreterCartridgeAdded", 1504: "interpreterCartridgeDeleted",
  1505: "interpreterResourceAdded", 1506: "interpreterResourceDeleted", 1507: "interpreterResourceUnavailable",
  1509: "interpreterComplexPageEncountered", 1801: "alertRemovalOfBinaryChangeEntry",
});
export const supplyUnitName = table({
  1: "other", 2: "unknown", 3: "tenThousandthsOfInches", 4: "micrometers", 7: "impressions", 8: "sheets", 11: "hours",
  12: "thousandthsOfOunces", 13: "tenthsOfGrams", 14: "hundrethsOfFluidOunces", 15: "tenthsOfMilliliters", 16: "feet",
  17: "meters", 18: "items", 19: "percent",
});
export const inputTypeName = table({
  1: "other", 2: "unknown", 3: "sheetFeedAutoRemovableTray", 4: "sheetFeedAutoNonRemovableTray", 5: "sheetFeedManual",
  6: "continuousRoll", 7: "continuousFanFold",
});

/** prtMarkerSuppliesType values that name receptacles which fill up. */
export const RECEPTACLE_TYPES = new Set([4, 8, 14, 24, 26]);
/** prtMarkerSuppliesClass receptacleThatIsFilled. */
export const CLASS_RECEPTACLE = 4;
