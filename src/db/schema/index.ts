export * from "./api-keys";
export * from "./delivery-attempts";
export * from "./event-types";
export * from "./events";
export * from "./notifications";
export * from "./organizations";
export * from "./recipients";
export * from "./templates";
