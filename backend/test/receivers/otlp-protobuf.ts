/**
 * Decodes an OTLP `ExportTraceServiceRequest` from protobuf (the OTLP/HTTP
 * default encoding, `application/x-protobuf`) into the same shape as the JSON
 * encoding, so the test receiver accepts either. Only the fields tests read
 * are decoded; unknown fields are skipped as the protobuf rules require.
 * Field numbers: opentelemetry-proto trace/v1/trace.proto, common/v1/common.proto.
 */

type Json = Record<string, unknown>;

class Reader {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly end = buf.length,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  tag(): { field: number; wire: number } {
    const tag = Number(this.varint());
    return { field: tag >>> 3, wire: tag & 7 };
  }

  bytes(): Buffer {
    const length = Number(this.varint());
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.end) throw new Error('truncated length-delimited field');
    return this.buf.subarray(start, start + length);
  }

  fixed64(): bigint {
    const value = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return value;
  }

  double(): number {
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

/** Reads one message: calls `onField` for each field; fields it does not handle are skipped. */
function readMessage(buf: Buffer, onField: (field: number, wire: number, r: Reader) => boolean): void {
  const r = new Reader(buf);
  while (!r.done) {
    const { field, wire } = r.tag();
    if (!onField(field, wire, r)) r.skip(wire);
  }
}

function anyValue(buf: Buffer): Json {
  const value: Json = {};
  readMessage(buf, (field, wire, r) => {
    if (field === 1 && wire === 2) value.stringValue = r.bytes().toString('utf8');
    else if (field === 2 && wire === 0) value.boolValue = r.varint() !== 0n;
    else if (field === 3 && wire === 0) value.intValue = BigInt.asIntN(64, r.varint()).toString();
    else if (field === 4 && wire === 1) value.doubleValue = r.double();
    else if (field === 5 && wire === 2) {
      const values: Json[] = [];
      readMessage(r.bytes(), (f, w, rr) => (f === 1 && w === 2 ? (values.push(anyValue(rr.bytes())), true) : false));
      value.arrayValue = { values };
    } else if (field === 6 && wire === 2) {
      const values: Json[] = [];
      readMessage(r.bytes(), (f, w, rr) => (f === 1 && w === 2 ? (values.push(keyValue(rr.bytes())), true) : false));
      value.kvlistValue = { values };
    } else if (field === 7 && wire === 2) value.bytesValue = r.bytes().toString('base64');
    else return false;
    return true;
  });
  return value;
}

function keyValue(buf: Buffer): Json {
  const kv: Json = {};
  readMessage(buf, (field, wire, r) => {
    if (field === 1 && wire === 2) kv.key = r.bytes().toString('utf8');
    else if (field === 2 && wire === 2) kv.value = anyValue(r.bytes());
    else return false;
    return true;
  });
  return kv;
}

function event(buf: Buffer): Json {
  const e: Json = { attributes: [] };
  readMessage(buf, (field, wire, r) => {
    if (field === 1 && wire === 1) e.timeUnixNano = r.fixed64().toString();
    else if (field === 2 && wire === 2) e.name = r.bytes().toString('utf8');
    else if (field === 3 && wire === 2) (e.attributes as Json[]).push(keyValue(r.bytes()));
    else return false;
    return true;
  });
  return e;
}

function span(buf: Buffer): Json {
  const s: Json = { attributes: [], events: [] };
  readMessage(buf, (field, wire, r) => {
    if (field === 1 && wire === 2) s.traceId = r.bytes().toString('hex');
    else if (field === 2 && wire === 2) s.spanId = r.bytes().toString('hex');
    else if (field === 4 && wire === 2) {
      const parent = r.bytes();
      if (parent.length > 0) s.parentSpanId = parent.toString('hex');
    } else if (field === 5 && wire === 2) s.name = r.bytes().toString('utf8');
    else if (field === 6 && wire === 0) s.kind = Number(r.varint());
    else if (field === 7 && wire === 1) s.startTimeUnixNano = r.fixed64().toString();
    else if (field === 8 && wire === 1) s.endTimeUnixNano = r.fixed64().toString();
    else if (field === 9 && wire === 2) (s.attributes as Json[]).push(keyValue(r.bytes()));
    else if (field === 11 && wire === 2) (s.events as Json[]).push(event(r.bytes()));
    else if (field === 15 && wire === 2) {
      const status: Json = {};
      readMessage(r.bytes(), (f, w, rr) => {
        if (f === 2 && w === 2) status.message = rr.bytes().toString('utf8');
        else if (f === 3 && w === 0) status.code = Number(rr.varint());
        else return false;
        return true;
      });
      s.status = status;
    } else return false;
    return true;
  });
  return s;
}

function attributesOf(buf: Buffer): Json[] {
  const attributes: Json[] = [];
  readMessage(buf, (field, wire, r) => (field === 1 && wire === 2 ? (attributes.push(keyValue(r.bytes())), true) : false));
  return attributes;
}

/** `ExportTraceServiceRequest` bytes → the OTLP/JSON object for the same request. */
export function decodeTraceRequest(buf: Buffer): Json {
  const resourceSpans: Json[] = [];
  readMessage(buf, (field, wire, r) => {
    if (field !== 1 || wire !== 2) return false;
    const rs: Json = { scopeSpans: [] };
    readMessage(r.bytes(), (f, w, rr) => {
      if (f === 1 && w === 2) rs.resource = { attributes: attributesOf(rr.bytes()) };
      else if (f === 2 && w === 2) {
        const ss: Json = { spans: [] };
        readMessage(rr.bytes(), (f2, w2, r2) => {
          if (f2 === 1 && w2 === 2) {
            const scope: Json = {};
            readMessage(r2.bytes(), (f3, w3, r3) => {
              if (f3 === 1 && w3 === 2) scope.name = r3.bytes().toString('utf8');
              else if (f3 === 2 && w3 === 2) scope.version = r3.bytes().toString('utf8');
              else return false;
              return true;
            });
            ss.scope = scope;
          } else if (f2 === 2 && w2 === 2) (ss.spans as Json[]).push(span(r2.bytes()));
          else return false;
          return true;
        });
        (rs.scopeSpans as Json[]).push(ss);
      } else return false;
      return true;
    });
    resourceSpans.push(rs);
    return true;
  });
  return { resourceSpans };
}
