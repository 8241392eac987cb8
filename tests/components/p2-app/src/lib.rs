//! A component written against plain WASI 0.2 (`wasi:http/incoming-handler@0.2`)
//! that reads variables through the old `fermyon:spin/variables@2.0.0`.

use std::io::Write as _;
use wasip2::http::types::{
    Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam,
};

wit_bindgen::generate!({
    inline: "
        package fermyon:spin@2.0.0;
        interface variables {
            get: func(name: string) -> result<string, error>;
            variant error {
                invalid-name(string),
                undefined(string),
                provider(string),
                other(string),
            }
        }
        world p2-app { import variables; }
    ",
    world: "p2-app",
});

wasip2::http::proxy::export!(P2App);

struct P2App;

fn respond(out: ResponseOutparam, status: u16, body: &str) {
    let resp = OutgoingResponse::new(Fields::new());
    let _ = resp.set_status_code(status);
    let Ok(outgoing) = resp.body() else { return };
    ResponseOutparam::set(out, Ok(resp));
    if let Ok(mut stream) = outgoing.write() {
        let _ = stream.write_all(body.as_bytes());
        let _ = stream.flush();
    }
    let _ = OutgoingBody::finish(outgoing, None);
}

impl wasip2::exports::http::incoming_handler::Guest for P2App {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let path = request.path_with_query().unwrap_or_default();
        if let Some(name) = path.split("name=").nth(1) {
            match fermyon::spin::variables::get(name) {
                Ok(v) => respond(out, 200, &v),
                Err(e) => respond(out, 404, &format!("{e:?}")),
            }
            return;
        }
        let route = request
            .headers()
            .get("spin-raw-component-route")
            .first()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .unwrap_or_default();
        respond(
            out,
            200,
            &format!("p2 says hello: path={path} route={route}"),
        );
    }
}
