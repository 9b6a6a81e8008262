package dev.zkinfer.nn.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON reader (RFC 8259) producing Map, List, Double, String, Boolean and null. Depth is
 * limited so hostile input cannot overflow the stack.
 */
final class Json {
  private static final int MAX_DEPTH = 64;
  private final String s;
  private int pos;

  private Json(String s) {
    this.s = s;
  }

  static Object parse(String text) {
    Json j = new Json(text);
    j.ws();
    Object v = j.value(0);
    j.ws();
    if (j.pos != j.s.length()) throw j.error("trailing characters");
    return v;
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
    if (pos >= s.length()) throw error("unexpected end of input");
    char c = s.charAt(pos);
    switch (c) {
      case '{' -> {
        pos++;
        Map<String, Object> m = new LinkedHashMap<>();
        ws();
        if (peek() == '}') {
          pos++;
          return m;
        }
        while (true) {
          ws();
          if (peek() != '"') throw error("expected a string key");
          String k = string();
          ws();
          expect(':');
          ws();
          m.put(k, value(depth + 1));
          ws();
          char d = next();
          if (d == '}') return m;
          if (d != ',') throw error("expected ',' or '}'");
        }
      }
      case '[' -> {
        pos++;
        List<Object> l = new ArrayList<>();
        ws();
        if (peek() == ']') {
          pos++;
          return l;
        }
        while (true) {
          ws();
          l.add(value(depth + 1));
          ws();
          char d = next();
          if (d == ']') return l;
          if (d != ',') throw error("expected ',' or ']'");
        }
      }
      case '"' -> {
        return string();
      }
      case 't' -> {
        word("true");
        return Boolean.TRUE;
      }
      case 'f' -> {
        word("false");
        return Boolean.FALSE;
      }
      case 'n' -> {
        word("null");
        return null;
      }
      default -> {
        int start = pos;
        while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) pos++;
        if (start == pos) throw error("unexpected character '" + c + "'");
        try {
          return Double.parseDouble(s.substring(start, pos));
        } catch (NumberFormatException e) {
          throw error("bad number '" + s.substring(start, pos) + "'");
        }
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') return sb.toString();
      if (c == '\\') {
        char e = next();
        switch (e) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'u' -> {
            if (pos + 4 > s.length()) throw error("bad \\u escape");
            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            pos += 4;
          }
          default -> sb.append(e);
        }
      } else sb.append(c);
    }
  }

  private void word(String w) {
    if (!s.startsWith(w, pos)) throw error("unexpected token");
    pos += w.length();
  }

  private void ws() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
  }

  private char peek() {
    return pos < s.length() ? s.charAt(pos) : '\0';
  }

  private char next() {
    if (pos >= s.length()) throw error("unexpected end of input");
    return s.charAt(pos++);
  }

  private void expect(char c) {
    if (next() != c) throw error("expected '" + c + "'");
  }

  private dev.zkinfer.MalformedInputException error(String what) {
    return new dev.zkinfer.MalformedInputException("invalid JSON at character " + pos + ": " + what);
  }
}
