import WebSocket from "ws";
const s = WebSocket.toString();
console.log(s.length);
console.log(s.slice(0, 6000));
