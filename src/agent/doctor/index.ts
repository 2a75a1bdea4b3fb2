/** `dca doctor`: checks from the customer PC everything the agent's network needs. */
export { type CheckResult, type CheckStatus } from "./check-result.ts";
export { DOCTOR_FLAGS, type DoctorSetup, resolveDoctorSetup } from "./doctor-setup.ts";
export { formatDoctorJson, formatDoctorTable } from "./format-doctor.ts";
export { type DoctorReport, runDoctor } from "./run-doctor.ts";
